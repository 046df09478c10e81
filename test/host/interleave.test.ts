// Two workers racing on shared data (Host.interleave, host/interleave.ts): the SDK's
// incrementSharedCounter, in test/filters/encodings-probe.ts, loses its compare-and-swap to the
// other worker's write and retries, as in a proxy with several worker threads.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Host } from "../../host/index.js";

const PROBE = readFileSync(new URL("../build/encodings-probe.wasm", import.meta.url));
const GET: [string, string][] = [
  [":method", "GET"],
  [":path", "/"],
  [":authority", "x"],
];

/** Two workers: two VMs of one vm_id, each with the plugin started, and a counter created. */
async function twoWorkers() {
  const host = new Host();
  const plugins = [];
  for (let i = 0; i < 2; i++) plugins.push((await host.loadVm(PROBE)).startPlugin());
  host.sharedData.set("hits", Buffer.alloc(8)); // created first: a missing key takes any CAS
  return { host, plugins };
}

/** A request asking the probe to increment "hits"; returns its stream (x-status, x-value). */
function increment(plugin: Awaited<ReturnType<typeof twoWorkers>>["plugins"][number], attempts: number) {
  const stream = plugin.newHttpStream();
  return () => {
    stream.requestHeaders([...GET, ["x-op", "increment"], ["x-key", "hits"], ["x-attempts", String(attempts)]], {
      endOfStream: true,
    });
    return { status: stream.requestHeader("x-status"), value: stream.requestHeader("x-value") };
  };
}

const counter = (host: Host) => host.sharedData.get("hits")!.value;
const le64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return new Uint8Array(b);
};

describe("Host.interleave: two workers racing", () => {
  it("the first worker's CAS write meets the second's, fails, and its retry counts on top", async () => {
    const { host, plugins } = await twoWorkers();
    const [first, second] = host.interleave([increment(plugins[0], 8), increment(plugins[1], 8)]);
    // The second worker wrote first (1); the first retried after CAS_MISMATCH and wrote 2.
    expect(second).toEqual({ status: "OK", value: "1" });
    expect(first).toEqual({ status: "OK", value: "2" });
    expect(counter(host)).toEqual(le64(2));
  });

  it("with one attempt the loser reports CAS_MISMATCH and adds nothing, as the SDK documents", async () => {
    const { host, plugins } = await twoWorkers();
    const [first, second] = host.interleave([increment(plugins[0], 1), increment(plugins[1], 1)]);
    expect(first.status).toBe("CAS_MISMATCH");
    expect(second).toEqual({ status: "OK", value: "1" });
    expect(counter(host)).toEqual(le64(1));
  });

  it("without interleave the same two requests never race", async () => {
    const { host, plugins } = await twoWorkers();
    expect([increment(plugins[0], 1)(), increment(plugins[1], 1)()]).toEqual([
      { status: "OK", value: "1" },
      { status: "OK", value: "2" },
    ]);
    expect(counter(host)).toEqual(le64(2));
  });

  it("two tasks on one VM are refused: a worker runs one callback at a time", async () => {
    const { host, plugins } = await twoWorkers();
    expect(() => host.interleave([increment(plugins[0], 8), increment(plugins[0], 8)])).toThrow(/a VM of its own/);
  });

  it("a switch point nobody reaches runs the tasks one after another", async () => {
    const { host, plugins } = await twoWorkers();
    const results = host.interleave([increment(plugins[0], 1), increment(plugins[1], 1)], {
      switchBefore: ["proxy_http_call"],
    });
    expect(results.map((r) => r.value)).toEqual(["1", "2"]);
  });
});
