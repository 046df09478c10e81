import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Action, Host } from "proxy-wasm-as/host";

const FILTER = fileURLToPath(new URL("../build/filter.wasm", import.meta.url));

async function start(configuration = '{"tick_period_ms": 250}', host = new Host()) {
  const vm = await host.loadVm(FILTER);
  const plugin = vm.startPlugin({ configuration });
  return { host, vm, plugin };
}

const GET: [string, string][] = [
  [":method", "GET"],
  [":path", "/"],
  [":authority", "example.com"],
];

describe("postpone-requests", () => {
  it("holds a request until the next tick, then resumes it", async () => {
    const { host, plugin } = await start();
    expect(plugin.configured).toBe(true);
    const s = plugin.newHttpStream();
    expect(s.requestHeaders(GET, { endOfStream: true })).toBe(Action.Pause);
    expect(s.requestPaused).toBe(true);
    host.advanceTime(249);
    expect(s.requestPaused).toBe(true);
    expect(s.requestHeadersForwarded).toBe(false);
    host.advanceTime(1);
    expect(s.requestPaused).toBe(false);
    expect(s.requestResumedCount).toBe(1);
    expect(s.requestHeadersForwarded).toBe(true);
  });

  it("resumes every held request on the tick, with the body that waited behind it", async () => {
    const { host, plugin } = await start();
    const streams = [0, 1, 2].map(() => plugin.newHttpStream());
    for (const s of streams)
      expect(
        s.requestHeaders([
          [":method", "POST"],
          [":path", "/upload"],
        ]),
      ).toBe(Action.Pause);
    expect(streams[1].requestBody("payload", true)).toBeNull(); // buffered behind the paused headers
    host.advanceTime(250);
    for (const s of streams) {
      expect(s.requestPaused).toBe(false);
      expect(s.requestResumedCount).toBe(1);
    }
    expect(streams[1].requestBodyText).toBe("payload");
    // Resumed once only: the next tick does not touch them again.
    host.advanceTime(250);
    for (const s of streams) expect(s.requestResumedCount).toBe(1);
  });

  it("forgets a stream that ends while held, and still resumes the others", async () => {
    const { host, vm, plugin } = await start();
    const gone = plugin.newHttpStream();
    const kept = plugin.newHttpStream();
    gone.requestHeaders(GET, { endOfStream: true });
    kept.requestHeaders(GET, { endOfStream: true });
    gone.complete(); // client gave up while held
    host.advanceTime(250);
    expect(vm.failure).toBeNull();
    expect(kept.requestPaused).toBe(false);
    expect(kept.requestResumedCount).toBe(1);
    expect(gone.requestResumedCount).toBe(0);
    // Removed from the list, so the tick never even tried it.
    expect(host.logsAt("warn").filter((l) => l.startsWith("postpone-requests"))).toEqual([]);
    expect(host.logsAt("critical")).toEqual([]);
  });

  it("holds requests that arrive after a tick until the following one", async () => {
    const { host, plugin } = await start();
    host.advanceTime(200);
    const s = plugin.newHttpStream();
    s.requestHeaders(GET, { endOfStream: true });
    host.advanceTime(50); // tick at 250
    expect(s.requestPaused).toBe(false);
    const later = plugin.newHttpStream();
    later.requestHeaders(GET, { endOfStream: true });
    host.advanceTime(249);
    expect(later.requestPaused).toBe(true);
    host.advanceTime(1);
    expect(later.requestPaused).toBe(false);
  });

  it("ticks every second without configuration", async () => {
    const { host, plugin } = await start("");
    expect(plugin.configured).toBe(true);
    const s = plugin.newHttpStream();
    s.requestHeaders(GET, { endOfStream: true });
    host.advanceTime(999);
    expect(s.requestPaused).toBe(true);
    host.advanceTime(1);
    expect(s.requestPaused).toBe(false);
  });

  it("refuses malformed JSON, saying why", async () => {
    const { host, plugin } = await start('{"tick_period_ms": 1000,}');
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error").join("\n")).toMatch(/plugin configuration is not valid JSON/);
  });

  it("refuses a period that is not a positive integer", async () => {
    for (const configuration of [
      '{"tick_period_ms": 0}',
      '{"tick_period_ms": -5}',
      '{"tick_period_ms": 0.5}',
      '{"tick_period_ms": "1000"}',
    ]) {
      const { host, plugin } = await start(configuration);
      expect(plugin.configured, configuration).toBe(false);
      expect(host.logsAt("error"), configuration).toContain(
        'postpone-requests: "tick_period_ms" must be an integer from 1 to 3600000',
      );
    }
    const { host, plugin } = await start('"fast"');
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error")).toContain("postpone-requests: configuration must be a JSON object");
  });

  it("keeps memory flat over many held and resumed requests", async () => {
    const host = new Host({ record: false });
    const { vm, plugin } = await start('{"tick_period_ms": 10}', host);
    const round = () => {
      const streams = [0, 1, 2, 3].map(() => plugin.newHttpStream());
      for (const s of streams) s.requestHeaders(GET, { endOfStream: true });
      streams[3].complete(); // one gives up while held
      host.advanceTime(10);
      for (const s of streams.slice(0, 3)) {
        s.responseHeaders([[":status", "200"]], { endOfStream: true });
        s.complete();
      }
    };
    for (let n = 0; n < 300; n++) round();
    const before = vm.memoryBytes;
    for (let n = 0; n < 3000; n++) round();
    expect(vm.memoryBytes).toBe(before);
  });
});
