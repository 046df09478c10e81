import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Action, Host, type Plugin } from "proxy-wasm-as/host";

const FILTER = fileURLToPath(new URL("../build/filter.wasm", import.meta.url));

const CONFIG = JSON.stringify({
  cluster: "audit",
  count: 3,
  path: "/audit",
  authority: "audit.local",
  timeout_ms: 700,
});

async function start(configuration = CONFIG, host = new Host()) {
  const vm = await host.loadVm(FILTER);
  const plugin = vm.startPlugin({ configuration });
  return { host, vm, plugin };
}

function responding(plugin: Plugin) {
  const s = plugin.newHttpStream();
  expect(
    s.requestHeaders(
      [
        [":method", "GET"],
        [":path", "/"],
        [":authority", "a"],
      ],
      { endOfStream: true },
    ),
  ).toBe(Action.Continue);
  return s;
}

describe("multiple-dispatches", () => {
  it("holds the response until every call has answered, then adds x-dispatch-count", async () => {
    const { host, plugin } = await start();
    expect(plugin.configured).toBe(true);
    const s = responding(plugin);
    expect(s.responseHeaders([[":status", "200"]])).toBe(Action.Pause);
    const calls = host.httpCalls;
    expect(calls).toHaveLength(3);
    for (const call of calls) {
      expect(call.upstream).toBe("audit");
      expect(call.headers).toEqual([
        [":method", "GET"],
        [":path", "/audit"],
        [":authority", "audit.local"],
      ]);
      expect(call.timeoutMs).toBe(700);
      expect(call.callerContextId).toBe(s.id);
    }
    // Answers in any order; the response waits for the last one.
    host.respondHttpCall(calls[2].token, { status: 204 });
    host.respondHttpCall(calls[0].token, { status: 500 });
    expect(s.responsePaused).toBe(true);
    expect(s.responseHeadersForwarded).toBe(false);
    expect(s.responseBody("held body", true)).toBeNull(); // buffered behind the paused headers
    host.respondHttpCall(calls[1].token, { status: 200, body: "x" });
    expect(s.responsePaused).toBe(false);
    expect(s.responseResumedCount).toBe(1);
    expect(s.responseHeadersForwarded).toBe(true);
    expect(s.responseHeader("x-dispatch-count")).toBe("3");
    expect(s.responseBodyText).toBe("held body");
  });

  it("counts failed and timed-out calls as answered", async () => {
    const { host, plugin } = await start();
    const s = responding(plugin);
    s.responseHeaders([[":status", "200"]], { endOfStream: true });
    for (const call of host.httpCalls) host.failHttpCall(call.token);
    expect(s.responsePaused).toBe(false);
    expect(s.responseHeader("x-dispatch-count")).toBe("3");
  });

  it("keeps concurrent streams apart: each resumes on its own calls", async () => {
    const { host, plugin } = await start('{"cluster": "audit", "count": 2}');
    const a = responding(plugin);
    const b = responding(plugin);
    a.responseHeaders([[":status", "200"]], { endOfStream: true });
    b.responseHeaders([[":status", "201"]], { endOfStream: true });
    const callsOf = (id: number) => host.httpCalls.filter((c) => c.callerContextId === id);
    expect(callsOf(a.id)).toHaveLength(2);
    expect(callsOf(b.id)).toHaveLength(2);
    for (const call of callsOf(b.id)) host.respondHttpCall(call.token, { status: 200 });
    expect(b.responsePaused).toBe(false);
    expect(a.responsePaused).toBe(true);
    expect(a.responseHeader("x-dispatch-count")).toBeUndefined();
    for (const call of callsOf(a.id)) host.respondHttpCall(call.token, { status: 200 });
    expect(a.responsePaused).toBe(false);
    expect(a.responseHeader("x-dispatch-count")).toBe("2");
  });

  it("does not trap when the stream is gone before the answers", async () => {
    const { host, vm, plugin } = await start();
    const s = responding(plugin);
    s.responseHeaders([[":status", "200"]]);
    const tokens = host.httpCalls.map((c) => c.token);
    host.respondHttpCall(tokens[0], { status: 200 });
    s.complete(); // client went away
    expect(() => {
      host.respondHttpCall(tokens[1], { status: 200 });
      host.failHttpCall(tokens[2]);
    }).not.toThrow();
    expect(vm.failure).toBeNull();
    expect(host.logsAt("critical")).toEqual([]);
    // The plugin still serves new streams.
    const next = responding(plugin);
    next.responseHeaders([[":status", "200"]], { endOfStream: true });
    for (const call of host.httpCalls) host.respondHttpCall(call.token, { status: 200 });
    expect(next.responseHeader("x-dispatch-count")).toBe("3");
  });

  it("lets the response go with x-dispatch-count 0 when no call can be sent", async () => {
    const { host, plugin } = await start(CONFIG, new Host({ clusters: ["backend"] }));
    const s = responding(plugin);
    expect(s.responseHeaders([[":status", "200"]], { endOfStream: true })).toBe(Action.Continue);
    expect(host.httpCalls).toHaveLength(0);
    expect(s.responseHeader("x-dispatch-count")).toBe("0");
    expect(host.logsAt("warn")).toContain("multiple-dispatches: 3 of 3 calls to audit not sent: BAD_ARGUMENT");
  });

  it("defaults to 3 calls of GET / with the cluster as authority", async () => {
    const { host, plugin } = await start('{"cluster": "svc"}');
    responding(plugin).responseHeaders([[":status", "200"]]);
    expect(host.httpCalls).toHaveLength(3);
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
    expect(host.logsAt("error")).toContain('multiple-dispatches: "cluster" is required');
  });

  it("refuses malformed JSON, saying why", async () => {
    const { host, plugin } = await start('{"cluster": "audit", "count": }');
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error").join("\n")).toMatch(/plugin configuration is not valid JSON/);
  });

  it("refuses bad values", async () => {
    for (const [configuration, message] of [
      ['{"cluster": "a", "count": 0}', 'multiple-dispatches: "count" must be an integer from 1 to 100'],
      ['{"cluster": "a", "count": 101}', 'multiple-dispatches: "count" must be an integer from 1 to 100'],
      ['{"cluster": "a", "count": 2.5}', 'multiple-dispatches: "count" must be an integer from 1 to 100'],
      ['{"cluster": "a", "timeout_ms": "1s"}', 'multiple-dispatches: "timeout_ms" must be an integer from 1 to 600000'],
      ['{"cluster": ""}', 'multiple-dispatches: "cluster" must be a non-empty string'],
      ["1", "multiple-dispatches: configuration must be a JSON object"],
    ]) {
      const { host, plugin } = await start(configuration);
      expect(plugin.configured, configuration).toBe(false);
      expect(host.logsAt("error"), configuration).toContain(message);
    }
  });

  it("keeps memory flat over many fan-outs", async () => {
    const host = new Host({ record: false });
    const { vm, plugin } = await start(CONFIG, host);
    const run = () => {
      const s = plugin.newHttpStream();
      s.requestHeaders(
        [
          [":method", "GET"],
          [":path", "/"],
        ],
        { endOfStream: true },
      );
      s.responseHeaders([[":status", "200"]], { endOfStream: true });
      for (const call of host.httpCalls) host.respondHttpCall(call.token, { status: 200 });
      s.complete();
    };
    for (let n = 0; n < 500; n++) run();
    const before = vm.memoryBytes;
    for (let n = 0; n < 5000; n++) run();
    expect(vm.memoryBytes).toBe(before);
  });
});
