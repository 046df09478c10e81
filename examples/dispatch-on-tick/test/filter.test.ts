import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Host } from "proxy-wasm-as/host";

const FILTER = fileURLToPath(new URL("../build/filter.wasm", import.meta.url));

const CONFIG = JSON.stringify({
  cluster: "backend",
  path: "/healthz",
  authority: "backend.local",
  period_ms: 1000,
  timeout_ms: 300,
});

async function start(configuration = CONFIG, host = new Host()) {
  const vm = await host.loadVm(FILTER);
  const plugin = vm.startPlugin({ configuration });
  return { host, vm, plugin };
}

describe("dispatch-on-tick", () => {
  it("calls the configured upstream on every tick and logs status and body size", async () => {
    const { host, plugin } = await start();
    expect(plugin.configured).toBe(true);
    expect(host.httpCalls).toHaveLength(0);

    host.advanceTime(1000);
    expect(host.httpCalls).toHaveLength(1);
    const call = host.httpCalls[0];
    expect(call.upstream).toBe("backend");
    expect(call.headers).toEqual([
      [":method", "GET"],
      [":path", "/healthz"],
      [":authority", "backend.local"],
    ]);
    expect(call.timeoutMs).toBe(300);
    expect(call.rootContextId).toBe(plugin.id);
    expect(call.callerContextId).toBe(plugin.id);

    host.respondHttpCall(call.token, { status: 200, body: "ok\n" });
    expect(host.logsAt("info")).toContain("dispatch-on-tick: backend/healthz answered 200, 3 bytes");

    host.advanceTime(1000);
    expect(host.httpCalls).toHaveLength(1);
    host.respondHttpCall(host.httpCalls[0].token, { status: 503, body: "" });
    expect(host.logsAt("info")).toContain("dispatch-on-tick: backend/healthz answered 503, 0 bytes");
  });

  it("logs a failed or timed-out call and calls again on the next tick", async () => {
    const { host } = await start();
    host.advanceTime(1000);
    host.failHttpCall(host.httpCalls[0].token);
    expect(host.logsAt("warn")).toContain("dispatch-on-tick: call to backend/healthz failed or timed out");
    host.advanceTime(1000);
    expect(host.httpCalls).toHaveLength(1);
  });

  it("does not pile up calls while one is unanswered", async () => {
    const { host } = await start();
    host.advanceTime(5000);
    expect(host.httpCalls).toHaveLength(1);
    host.respondHttpCall(host.httpCalls[0].token, { status: 200 });
    host.advanceTime(1000);
    expect(host.httpCalls).toHaveLength(1);
  });

  it("logs a call the proxy refuses to send (unknown cluster)", async () => {
    const { host } = await start(CONFIG, new Host({ clusters: ["other"] }));
    host.advanceTime(1000);
    expect(host.httpCalls).toHaveLength(0);
    expect(host.logsAt("warn")).toContain("dispatch-on-tick: call to backend/healthz not sent: BAD_ARGUMENT");
    // Not stuck: it tries again on the next tick.
    host.clearLogs();
    host.advanceTime(1000);
    expect(host.logsAt("warn")).toContain("dispatch-on-tick: call to backend/healthz not sent: BAD_ARGUMENT");
  });

  it("defaults path to /, authority to the cluster, period to 5 s", async () => {
    const { host } = await start('{"cluster": "svc"}');
    host.advanceTime(4999);
    expect(host.httpCalls).toHaveLength(0);
    host.advanceTime(1);
    expect(host.httpCalls).toHaveLength(1);
    expect(host.httpCalls[0].headers).toEqual([
      [":method", "GET"],
      [":path", "/"],
      [":authority", "svc"],
    ]);
    expect(host.httpCalls[0].timeoutMs).toBe(1000);
  });

  it("refuses a missing configuration: the cluster is required", async () => {
    const { host, plugin } = await start("");
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error")).toContain('dispatch-on-tick: "cluster" is required');
  });

  it("refuses malformed JSON, saying why", async () => {
    const { host, plugin } = await start('{"cluster": "backend",');
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error").join("\n")).toMatch(/plugin configuration is not valid JSON/);
  });

  it("refuses bad values", async () => {
    for (const [configuration, message] of [
      ['"backend"', "configuration must be a JSON object"],
      ['{"cluster": 1}', '"cluster" must be a non-empty string'],
      ['{"cluster": "b", "period_ms": 0}', '"period_ms" must be a positive integer'],
      ['{"cluster": "b", "period_ms": "1000"}', '"period_ms" must be a positive integer'],
      ['{"cluster": "b", "timeout_ms": 1.5}', '"timeout_ms" must be a positive integer'],
      ['{"cluster": "b", "path": ""}', '"path" must be a non-empty string'],
    ]) {
      const { host, plugin } = await start(configuration);
      expect(plugin.configured, configuration).toBe(false);
      expect(host.logsAt("error").join("\n"), configuration).toContain(message);
    }
  });

  it("keeps memory flat over many ticks", async () => {
    const host = new Host({ record: false });
    const { vm } = await start(CONFIG, host);
    const round = () => {
      host.advanceTime(1000);
      host.respondHttpCall(host.httpCalls[0].token, { status: 200, body: "ok" });
    };
    for (let i = 0; i < 500; i++) round();
    const before = vm.memoryBytes;
    for (let i = 0; i < 5000; i++) round();
    expect(vm.memoryBytes).toBe(before);
  });
});
