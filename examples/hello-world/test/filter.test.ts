import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Host } from "proxy-wasm-as/host";

const WASM = fileURLToPath(new URL("../build/filter.wasm", import.meta.url));

async function start() {
  const host = new Host();
  const vm = await host.loadVm(WASM);
  const plugin = vm.startPlugin({ configuration: "{}" });
  return { host, vm, plugin };
}

describe("hello-world", () => {
  it("logs on VM start and on plugin start, in that order", async () => {
    const { host, plugin } = await start();
    expect(plugin.configured).toBe(true);
    expect(host.logsAt("info")).toEqual(["hello-world: VM started", "hello-world: plugin started"]);
  });

  it("ticks every 5 seconds, and only then", async () => {
    const { host, plugin } = await start();
    expect(plugin.tickPeriodMs).toBe(5000);
    host.clearLogs();
    host.advanceTime(4999);
    expect(host.logsAt("info")).toEqual([]);
    host.advanceTime(1);
    expect(host.logsAt("info")).toEqual(["hello-world: tick"]);
    host.advanceTime(10_000);
    expect(host.logsAt("info")).toEqual(["hello-world: tick", "hello-world: tick", "hello-world: tick"]);
  });

  it("starts whatever the configuration (it reads none)", async () => {
    const host = new Host();
    const vm = await host.loadVm(WASM);
    expect(vm.startPlugin().configured).toBe(true);
    expect(vm.startPlugin({ configuration: "not json" }).configured).toBe(true);
  });

  it("lets HTTP traffic through untouched", async () => {
    const { plugin } = await start();
    const stream = plugin.newHttpStream();
    expect(
      stream.requestHeaders(
        [
          [":method", "GET"],
          [":path", "/"],
          [":authority", "example.com"],
        ],
        { endOfStream: true },
      ),
    ).toBe(0);
    expect(stream.responseHeaders([[":status", "200"]])).toBe(0);
    expect(stream.responseBody("hello", true)).toBe(0);
    expect(stream.responseBodyText).toBe("hello");
    expect(stream.requestHeader(":path")).toBe("/");
    stream.complete();
    expect(stream.completed).toBe(true);
  });

  it("logs nothing per request and logs no warnings or errors", async () => {
    const { host, plugin } = await start();
    host.clearLogs();
    for (let i = 0; i < 10; i++) {
      const stream = plugin.newHttpStream();
      stream.requestHeaders(
        [
          [":method", "GET"],
          [":path", "/"],
        ],
        { endOfStream: true },
      );
      stream.responseHeaders([[":status", "200"]], { endOfStream: true });
      stream.complete();
    }
    expect(host.logs).toEqual([]);
  });
});
