import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Host, type Plugin } from "proxy-wasm-as/host";

const WASM = fileURLToPath(new URL("../build/filter.wasm", import.meta.url));

async function start(configuration?: string) {
  const host = new Host();
  const vm = await host.loadVm(WASM);
  const plugin = vm.startPlugin(configuration === undefined ? {} : { configuration });
  return { host, plugin };
}

function roundTrip(plugin: Plugin, headers: Record<string, string> = {}) {
  const stream = plugin.newHttpStream();
  expect(
    stream.requestHeaders(
      { ":method": "GET", ":path": "/", ":authority": "example.com", ...headers },
      { endOfStream: true },
    ),
  ).toBe(0);
  expect(stream.responseHeaders({ ":status": "200" }, { endOfStream: true })).toBe(0);
  return stream;
}

describe("trace-id", () => {
  it("generates a 32-hex-character id when the request has none, and returns it", async () => {
    const { plugin } = await start();
    expect(plugin.configured).toBe(true);
    const stream = roundTrip(plugin);
    const id = stream.requestHeader("x-trace-id");
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(stream.responseHeader("x-trace-id")).toBe(id);
  });

  it("generates a different id for each request", async () => {
    const { plugin } = await start();
    const ids = new Set(Array.from({ length: 200 }, () => roundTrip(plugin).requestHeader("x-trace-id")));
    expect(ids.size).toBe(200);
    // Every position varies over 200 ids: no part of the 128 bits is stuck.
    for (let position = 0; position < 32; position++) {
      const digits = new Set([...ids].map((id) => id![position]));
      expect(digits.size, `position ${position}`).toBeGreaterThan(8);
    }
  });

  it("gives different VMs different sequences (seeded from the host's entropy)", async () => {
    const a = await start();
    const b = await start();
    expect(roundTrip(a.plugin).requestHeader("x-trace-id")).not.toBe(roundTrip(b.plugin).requestHeader("x-trace-id"));
  });

  it("keeps an incoming id and echoes it on the response", async () => {
    const { plugin } = await start();
    for (const id of ["4bf92f3577b34da6a3ce929d0e0e4736", "req-2024_01.01", "A", "x".repeat(128)]) {
      const stream = roundTrip(plugin, { "x-trace-id": id });
      expect(stream.requestHeader("x-trace-id")).toBe(id);
      expect(stream.responseHeader("x-trace-id")).toBe(id);
    }
  });

  it("replaces an empty, too long or odd-looking id with a new one", async () => {
    const { plugin } = await start();
    for (const id of ["", "x".repeat(129), "abc def", "<script>", "id;drop", "é"]) {
      const stream = roundTrip(plugin, { "x-trace-id": id });
      const fresh = stream.requestHeader("x-trace-id");
      expect(fresh, JSON.stringify(id)).toMatch(/^[0-9a-f]{32}$/);
      expect(stream.requestHeadersMap.filter(([n]) => n === "x-trace-id")).toHaveLength(1);
      expect(stream.responseHeader("x-trace-id")).toBe(fresh);
    }
  });

  it("replaces an id the upstream put on the response with the request's", async () => {
    const { plugin } = await start();
    const stream = plugin.newHttpStream();
    stream.requestHeaders({ ":method": "GET", ":path": "/", "x-trace-id": "abc" }, { endOfStream: true });
    stream.responseHeaders({ ":status": "200", "x-trace-id": "upstream-id" }, { endOfStream: true });
    expect(stream.responseHeadersMap.filter(([n]) => n === "x-trace-id")).toEqual([["x-trace-id", "abc"]]);
  });

  it("uses the configured header name, lower-cased", async () => {
    const { plugin } = await start(JSON.stringify({ header: "X-Request-Id" }));
    const kept = roundTrip(plugin, { "x-request-id": "r-1" });
    expect(kept.responseHeader("x-request-id")).toBe("r-1");
    const fresh = roundTrip(plugin);
    expect(fresh.requestHeader("x-request-id")).toMatch(/^[0-9a-f]{32}$/);
    expect(fresh.requestHeader("x-trace-id")).toBeUndefined();
  });

  it("logs nothing per request", async () => {
    const { host, plugin } = await start();
    host.clearLogs();
    roundTrip(plugin);
    roundTrip(plugin, { "x-trace-id": "bad id" });
    expect(host.logs).toEqual([]);
  });

  it("fails to start on malformed JSON, saying where", async () => {
    const { host, plugin } = await start('{"header" "x"}');
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error").join("\n")).toMatch(
      /plugin configuration is not valid JSON: expected ':' after key at byte 10/,
    );
  });

  it("fails to start on a bad header name, naming the key", async () => {
    for (const config of [{ header: 1 }, { header: "" }, { header: ":path" }]) {
      const { host, plugin } = await start(JSON.stringify(config));
      expect(plugin.configured).toBe(false);
      expect(host.logsAt("error")).toContain('trace-id: "header" must be a non-empty header name, not a pseudo-header');
    }
    const { host, plugin } = await start('"x-trace-id"');
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error")).toContain("trace-id: configuration must be a JSON object");
  });
});
