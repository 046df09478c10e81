import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Host, type Plugin } from "proxy-wasm-as/host";

const WASM = fileURLToPath(new URL("../build/filter.wasm", import.meta.url));
const CONFIG = JSON.stringify({ cluster: "auth", path: "/verify", timeoutMs: 250 });

async function start(configuration?: string, clusters = ["auth", "backend"]) {
  const host = new Host({ clusters });
  const vm = await host.loadVm(WASM);
  const plugin = vm.startPlugin(configuration === undefined ? {} : { configuration });
  return { host, plugin };
}

function request(plugin: Plugin, headers: Record<string, string> = { authorization: "Bearer abc" }) {
  const stream = plugin.newHttpStream();
  const action = stream.requestHeaders({
    ":method": "POST",
    ":path": "/orders?x=1",
    ":authority": "shop.example.com",
    cookie: "c=1",
    ...headers,
  });
  return { stream, action };
}

describe("http-auth", () => {
  it("holds the request and asks the auth cluster with the configured path, timeout and headers", async () => {
    const { host, plugin } = await start(CONFIG);
    const { stream, action } = request(plugin);
    expect(action).toBe(1);
    expect(stream.requestPaused).toBe(true);
    expect(host.httpCalls).toHaveLength(1);
    const call = host.httpCalls[0];
    expect(call.upstream).toBe("auth");
    expect(call.timeoutMs).toBe(250);
    expect(call.callerContextId).toBe(stream.id);
    expect(call.headers).toEqual([
      [":method", "GET"],
      [":path", "/verify"],
      [":authority", "auth"],
      ["x-original-method", "POST"],
      ["x-original-uri", "/orders?x=1"],
      ["authorization", "Bearer abc"],
    ]);
    // A body sent meanwhile is held too.
    expect(stream.requestBody("payload", true)).toBeNull();
    expect(stream.requestBodyText).toBe("");
  });

  it("lets the request go on when auth answers 200", async () => {
    const { host, plugin } = await start(CONFIG);
    const { stream } = request(plugin);
    stream.requestBody("payload", true);
    host.respondHttpCall(host.httpCalls[0].token, { status: 200, body: "ok" });
    expect(stream.localResponse).toBeNull();
    expect(stream.requestPaused).toBe(false);
    expect(stream.requestResumedCount).toBe(1);
    expect(stream.requestHeader("authorization")).toBe("Bearer abc");
    expect(stream.requestBodyText).toBe("payload");
  });

  it("answers 403 for any other status from auth", async () => {
    for (const status of [401, 403, 302, 404]) {
      const { host, plugin } = await start(CONFIG);
      const { stream } = request(plugin);
      host.respondHttpCall(host.httpCalls[0].token, { status, body: "no" });
      expect(stream.localResponse?.status, String(status)).toBe(403);
      expect(stream.localResponse?.details).toBe("http_auth_denied");
      expect(stream.requestResumedCount).toBe(0);
    }
  });

  it("answers 503 when auth answers 5xx: a broken service, Envoy's 503 for an unreachable one", async () => {
    for (const status of [500, 502, 503]) {
      const { host, plugin } = await start(CONFIG);
      const { stream } = request(plugin);
      host.respondHttpCall(host.httpCalls[0].token, { status, body: "down" });
      expect(stream.localResponse?.status, String(status)).toBe(503);
      expect(stream.localResponse?.details).toBe("http_auth_unavailable");
      expect(host.logsAt("warn")).toContain(`http-auth: auth answered ${status}`);
    }
  });

  it("answers 503 when the call times out (Envoy's router answers 504 once timeoutMs passed)", async () => {
    const { host, plugin } = await start(CONFIG);
    const { stream } = request(plugin);
    host.advanceTime(249);
    expect(stream.localResponse).toBeNull();
    host.advanceTime(1);
    expect(host.httpCalls).toHaveLength(0);
    expect(stream.localResponse?.status).toBe(503);
    expect(stream.localResponse?.bodyText).toBe("authorization service unavailable\n");
  });

  it("answers 503 when the call is reset (a response with no headers)", async () => {
    const { host, plugin } = await start(CONFIG);
    const { stream } = request(plugin);
    host.failHttpCall(host.httpCalls[0].token);
    expect(stream.localResponse?.status).toBe(503);
    expect(stream.localResponse?.bodyText).toBe("authorization service unavailable\n");
    expect(host.logsAt("warn")).toContain("http-auth: call to auth failed or timed out");
  });

  it("answers 503 at once when the call cannot be dispatched (unknown cluster)", async () => {
    const { host, plugin } = await start(JSON.stringify({ cluster: "no-such-cluster" }));
    const { stream, action } = request(plugin);
    expect(action).toBe(1);
    expect(host.httpCalls).toHaveLength(0);
    expect(stream.localResponse?.status).toBe(503);
    expect(host.logsAt("warn").join("\n")).toContain("http-auth: cannot call cluster no-such-cluster: BAD_ARGUMENT");
  });

  it("forwards only the configured headers that are present, names lower-cased", async () => {
    const { host, plugin } = await start(
      JSON.stringify({ cluster: "auth", forwardHeaders: ["Cookie", "X-Api-Key"], authority: "auth.internal" }),
    );
    request(plugin, {});
    const headers = host.httpCalls[0].headers;
    expect(headers).toContainEqual([":authority", "auth.internal"]);
    expect(headers).toContainEqual([":path", "/check"]);
    expect(headers).toContainEqual(["cookie", "c=1"]);
    expect(headers.map(([name]) => name)).not.toContain("authorization");
    expect(headers.map(([name]) => name)).not.toContain("x-api-key");
    expect(host.httpCalls[0].timeoutMs).toBe(1000);
  });

  it("keeps concurrent requests apart: each answer goes to the stream that asked", async () => {
    const { host, plugin } = await start(CONFIG);
    const a = request(plugin, { authorization: "Bearer a" }).stream;
    const b = request(plugin, { authorization: "Bearer b" }).stream;
    const [callA, callB] = host.httpCalls;
    expect(callA.headers).toContainEqual(["authorization", "Bearer a"]);
    host.respondHttpCall(callB.token, { status: 403 });
    host.respondHttpCall(callA.token, { status: 200 });
    expect(a.localResponse).toBeNull();
    expect(a.requestResumedCount).toBe(1);
    expect(b.localResponse?.status).toBe(403);
  });

  it("drops the answer quietly when the stream is already gone", async () => {
    const { host, plugin } = await start(CONFIG);
    const { stream } = request(plugin);
    stream.complete();
    host.respondHttpCall(host.httpCalls[0].token, { status: 200 });
    expect(host.logsAt("error")).toEqual([]);
  });

  it("fails to start without configuration: cluster is required", async () => {
    const { host, plugin } = await start();
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error")).toContain('http-auth: "cluster" is required: the name of the auth service\'s cluster');
  });

  it("fails to start on malformed JSON, saying where", async () => {
    const { host, plugin } = await start('{"cluster": "auth"');
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error").join("\n")).toMatch(/plugin configuration is not valid JSON: .* at byte 18/);
  });

  it("fails to start on keys of the wrong type, naming them", async () => {
    for (const [config, message] of [
      [{ cluster: 5 }, '"cluster" must be a string'],
      [{ cluster: "auth", path: "check" }, "\"path\" must start with '/'"],
      [{ cluster: "auth", timeoutMs: "1s" }, '"timeoutMs" must be a whole number from 1 to 60000'],
      [{ cluster: "auth", timeoutMs: 0 }, '"timeoutMs" must be a whole number from 1 to 60000'],
      [{ cluster: "auth", forwardHeaders: "authorization" }, '"forwardHeaders" must be an array of strings'],
      [{ cluster: "auth", authority: 1 }, '"authority" must be a string'],
    ] as const) {
      const { host, plugin } = await start(JSON.stringify(config));
      expect(plugin.configured, JSON.stringify(config)).toBe(false);
      expect(host.logsAt("error").join("\n")).toContain(message);
    }
  });
});
