// Typed encodings over raw host data (test/filters/encodings-probe.ts): shared-data counters
// (u64 little-endian, CAS), shared-data text (UTF-8) and the plugin configuration as text.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Host, Status } from "../../host/index.js";
import { GET } from "./helpers.js";

const PROBE = readFileSync(fileURLToPath(new URL("../build/encodings-probe.wasm", import.meta.url)));

async function start(configuration = "", host = new Host()) {
  const vm = await host.loadVm(PROBE);
  return { host, plugin: vm.startPlugin({ configuration }) };
}

type Plugin = Awaited<ReturnType<typeof start>>["plugin"];

/** One request asking the probe for `op`; returns its x-status, x-value and x-cas. */
function ask(plugin: Plugin, op: string, extra: Record<string, string> = {}) {
  const stream = plugin.newHttpStream();
  stream.requestHeaders([...GET, ["x-op", op], ...Object.entries(extra)], { endOfStream: true });
  const result = {
    status: stream.requestHeader("x-status"),
    value: stream.requestHeader("x-value"),
    cas: Number(stream.requestHeader("x-cas")),
  };
  stream.complete();
  return result;
}

const le64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n);
  return b;
};

describe("shared counters (u64 little-endian)", () => {
  it("counts from an absent key, across two VMs of one proxy, in 8 little-endian bytes", async () => {
    const host = new Host();
    const a = (await start("", host)).plugin;
    const b = (await start("", host)).plugin;
    expect(ask(a, "get-counter", { "x-key": "hits" })).toMatchObject({ status: "NOT_FOUND", value: "0" });
    expect(ask(a, "increment", { "x-key": "hits" })).toMatchObject({ status: "OK", value: "1" });
    expect(ask(b, "increment", { "x-key": "hits", "x-delta": "41" })).toMatchObject({ status: "OK", value: "42" });
    expect(Buffer.from(host.sharedData.get("hits")!.value)).toEqual(le64(42n));
    const read = ask(a, "get-counter", { "x-key": "hits" });
    expect(read).toMatchObject({ status: "OK", value: "42" });
    expect(read.cas).toBe(host.sharedData.get("hits")!.cas);
  });

  it("reads a value the host side wrote, and keeps all 64 bits (wrapping at 2^64)", async () => {
    const { host, plugin } = await start();
    host.sharedData.set("big", le64(2n ** 64n - 2n));
    expect(ask(plugin, "get-counter", { "x-key": "big" }).value).toBe((2n ** 64n - 2n).toString());
    expect(ask(plugin, "increment", { "x-key": "big" }).value).toBe((2n ** 64n - 1n).toString());
    expect(ask(plugin, "increment", { "x-key": "big" }).value).toBe("0");
  });

  it("writes with CAS: a stale cas is refused with CAS_MISMATCH and the value kept", async () => {
    const { host, plugin } = await start();
    expect(ask(plugin, "set-counter", { "x-key": "c", "x-value": "5" }).status).toBe("OK");
    const { cas } = ask(plugin, "get-counter", { "x-key": "c" });
    host.sharedData.set("c", le64(6n)); // another worker wrote in between
    expect(ask(plugin, "set-counter", { "x-key": "c", "x-value": "10", "x-cas": String(cas) }).status).toBe(
      "CAS_MISMATCH",
    );
    expect(Buffer.from(host.sharedData.get("c")!.value)).toEqual(le64(6n));
  });

  it("retries an increment that lost a race, and gives up with CAS_MISMATCH after its attempts", async () => {
    const { host, plugin } = await start();
    host.sharedData.set("n", le64(1n));
    host.injectFaults({})!.failNext("proxy_set_shared_data", Status.CAS_MISMATCH, 2);
    expect(ask(plugin, "increment", { "x-key": "n" })).toMatchObject({ status: "OK", value: "2" });
    host.faults!.failNext("proxy_set_shared_data", Status.CAS_MISMATCH, 3);
    expect(ask(plugin, "increment", { "x-key": "n", "x-attempts": "3" }).status).toBe("CAS_MISMATCH");
    expect(Buffer.from(host.sharedData.get("n")!.value)).toEqual(le64(2n));
  });

  it("refuses a key that holds other data (PARSE_FAILURE, one log line) and leaves it alone", async () => {
    const { host, plugin } = await start();
    host.sharedData.set("text", "hello");
    expect(ask(plugin, "get-counter", { "x-key": "text" })).toMatchObject({ status: "PARSE_FAILURE", value: "0" });
    expect(ask(plugin, "increment", { "x-key": "text" }).status).toBe("PARSE_FAILURE");
    expect(host.sharedData.get("text")!.text).toBe("hello");
    expect(host.logsAt("warn")).toContain('shared data "text" holds 5 bytes, not a counter (8 bytes, little-endian)');
  });
});

describe("shared text (UTF-8)", () => {
  it("round-trips non-ASCII text in UTF-8, with CAS", async () => {
    const { host, plugin } = await start();
    expect(ask(plugin, "get-text", { "x-key": "t" })).toMatchObject({ status: "NOT_FOUND", value: "" });
    expect(ask(plugin, "set-text", { "x-key": "t", "x-value": "grüße ✓" }).status).toBe("OK");
    expect(Buffer.from(host.sharedData.get("t")!.value)).toEqual(Buffer.from("grüße ✓", "utf8"));
    const read = ask(plugin, "get-text", { "x-key": "t" });
    expect(read).toMatchObject({ status: "OK", value: "grüße ✓" });
    expect(ask(plugin, "set-text", { "x-key": "t", "x-value": "v2", "x-cas": String(read.cas) }).status).toBe("OK");
    expect(ask(plugin, "set-text", { "x-key": "t", "x-value": "v3", "x-cas": String(read.cas) }).status).toBe(
      "CAS_MISMATCH",
    );
    expect(host.sharedData.get("t")!.text).toBe("v2");
  });
});

describe("plugin configuration as text", () => {
  it("reads a plain-text configuration (Envoy's configuration as a StringValue), UTF-8 decoded", async () => {
    const { host } = await start("canary → 10%");
    expect(host.logsAt("info")).toContain("configuration text: [canary → 10%]");
  });

  it("reads an absent configuration as empty text", async () => {
    const { host } = await start("");
    expect(host.logsAt("info")).toContain("configuration text: []");
  });
});
