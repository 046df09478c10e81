// The context model and the runtime: registration, unknown contexts, aborts with a reason,
// and memory that stays bounded under sustained traffic.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Host } from "../../host/index.js";
import { ADD_HEADER, GET, probeHeaders, startProbe } from "./helpers.js";

const SHARED_QUEUE = readFileSync(
  fileURLToPath(new URL("../../examples/shared-queue/build/filter.wasm", import.meta.url)),
);

describe("contexts", () => {
  it("routes each new stream to the plugin that created it, plugins interleaved and one of them gone", async () => {
    // The dispatcher remembers the plugin that created the last stream; a stream of another
    // plugin, or of a plugin created after that one is deleted, must not reach the remembered one.
    const host = new Host();
    const vm = await host.loadVm(SHARED_QUEUE);
    const receiverA = vm.startPlugin({ rootId: "receiver", configuration: '{"queue": "a"}' });
    const receiverB = vm.startPlugin({ rootId: "receiver", configuration: '{"queue": "b"}' });
    const senderA = vm.startPlugin({ rootId: "sender", configuration: '{"queue": "a"}' });
    const senderB = vm.startPlugin({ rootId: "sender", configuration: '{"queue": "b"}' });
    const send = (plugin: typeof senderA, path: string) => {
      const s = plugin.newHttpStream();
      s.requestHeaders(
        [
          [":method", "GET"],
          [":path", path],
        ],
        { endOfStream: true },
      );
      s.complete();
    };
    send(senderA, "/1");
    send(senderB, "/2");
    send(senderB, "/3");
    send(senderA, "/4");
    senderA.shutdown();
    const senderA2 = vm.startPlugin({ rootId: "sender", configuration: '{"queue": "b"}' });
    send(senderA2, "/5");
    const by = (receiver: typeof receiverA) =>
      host.logs
        .filter((l) => l.contextId === receiver.id && l.message.startsWith("shared-queue receiver: GET"))
        .map((l) => l.message.slice(27));
    expect(by(receiverA)).toEqual(["/1", "/4"]);
    expect(by(receiverB)).toEqual(["/2", "/3", "/5"]);
  });

  it("serves any root id with the plugin registered by registerPlugin", async () => {
    const host = new Host();
    const vm = await host.loadVm(ADD_HEADER);
    for (const rootId of ["", "istio-chosen-root-id", "another"]) {
      const plugin = vm.startPlugin({ rootId, configuration: "" });
      expect(plugin.configured).toBe(true);
      const stream = plugin.newHttpStream();
      stream.requestHeaders(GET, { endOfStream: true });
      stream.responseHeaders([[":status", "200"]], { endOfStream: true });
      expect(stream.responseHeadersMap).toContainEqual(["x-filter", "proxy-wasm-as"]);
    }
  });

  it("logs a callback for an unknown context and answers with a harmless default", async () => {
    const { vm, host } = await startProbe();
    // Straight into the module's exports, as a confused host would.
    const exports = vm.exports as Record<string, (...args: number[]) => number>;
    expect(exports.proxy_on_request_headers(9999, 0, 0)).toBe(0);
    exports.proxy_on_delete(9999);
    const warnings = host.logsAt("warn");
    expect(warnings).toContain("HTTP stream callback for unknown context 9999; ignored");
    expect(warnings).toContain("proxy_on_delete for unknown context 9999; ignored");
  });

  it("says why before it traps", async () => {
    const { plugin, host } = await startProbe();
    const stream = plugin.newHttpStream();
    expect(() => stream.requestHeaders(probeHeaders("abort"))).toThrow(/probe abort/);
    expect(host.logsAt("critical").some((line) => line.startsWith("abort: probe abort at "))).toBe(true);
  });
});

describe("memory", () => {
  it("does not grow under sustained traffic (minimal runtime, collection between callbacks)", async () => {
    const host = new Host({ record: false });
    const vm = await host.loadVm(ADD_HEADER);
    const plugin = vm.startPlugin({ configuration: "" });
    const lifecycle = () => {
      const stream = plugin.newHttpStream();
      stream.requestHeaders(GET, { endOfStream: true });
      stream.responseHeaders([[":status", "200"]], { endOfStream: true });
      stream.complete();
    };
    for (let i = 0; i < 1_000; i++) lifecycle();
    const warm = vm.memoryBytes;
    for (let i = 0; i < 20_000; i++) lifecycle();
    // The bound this test states: not one page (64 KiB) more after 20,000 more streams.
    expect(vm.memoryBytes).toBe(warm);
  });

  it("does not grow when streams carry large bodies", async () => {
    const host = new Host({ record: false });
    const { vm, plugin } = await startProbe("{}", host);
    const body = "y".repeat(256 * 1024);
    const lifecycle = () => {
      const stream = plugin.newHttpStream();
      stream.requestHeaders(probeHeaders("buffer-body"));
      stream.requestBody(body, false);
      stream.requestBody(body, true);
      stream.complete();
    };
    for (let i = 0; i < 50; i++) lifecycle();
    const warm = vm.memoryBytes;
    for (let i = 0; i < 200; i++) lifecycle();
    expect(vm.memoryBytes).toBe(warm);
  });
});
