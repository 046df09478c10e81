import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Host, type Plugin } from "proxy-wasm-as/host";

const WASM = fileURLToPath(new URL("../build/filter.wasm", import.meta.url));
const NOW_MS = 1_704_067_200_000; // the emulator's clock: 2024-01-01T00:00:00Z

async function start(configuration?: string) {
  const host = new Host();
  const vm = await host.loadVm(WASM);
  const plugin = vm.startPlugin(configuration === undefined ? {} : { configuration });
  return { host, plugin };
}

function post(plugin: Plugin, headers: Record<string, string> = {}) {
  const stream = plugin.newHttpStream();
  expect(
    stream.requestHeaders({
      ":method": "POST",
      ":path": "/items",
      ":authority": "example.com",
      "content-type": "application/json",
      "x-request-id": "req-1",
      ...headers,
    }),
  ).toBe(0);
  return stream;
}

describe("http-body: request", () => {
  it("buffers the body to the end and adds receivedAt and requestId", async () => {
    const { plugin } = await start();
    const stream = post(plugin, { "content-length": "27" });
    // content-length goes: the body changes size.
    expect(stream.requestHeader("content-length")).toBeUndefined();
    expect(stream.requestBody('{"name": "a",', false)).toBe(1); // Pause: wait for the rest
    expect(stream.requestBodyText).toBe("");
    expect(stream.requestBody(' "n": [1, 2] }\n', true)).toBe(0);
    expect(stream.requestBodyText).toBe(`{"name": "a", "n": [1, 2] ,"receivedAt":${NOW_MS},"requestId":"req-1"}\n`);
    expect(JSON.parse(stream.requestBodyText)).toEqual({
      name: "a",
      n: [1, 2],
      receivedAt: NOW_MS,
      requestId: "req-1",
    });
  });

  it("adds to an empty object without a stray comma, and null without x-request-id", async () => {
    const { plugin } = await start();
    const stream = plugin.newHttpStream();
    stream.requestHeaders({ ":method": "POST", ":path": "/", "content-type": "application/json; charset=utf-8" });
    stream.requestBody("{}", true);
    expect(JSON.parse(stream.requestBodyText)).toEqual({ receivedAt: NOW_MS, requestId: null });
  });

  it("escapes the request id in the JSON it writes", async () => {
    const { plugin } = await start();
    const stream = post(plugin, { "x-request-id": 'a"b\\c' });
    stream.requestBody('{"k":1}', true);
    expect(JSON.parse(stream.requestBodyText).requestId).toBe('a"b\\c');
  });

  it("passes a body that is not valid JSON through unchanged, with a log line", async () => {
    const { host, plugin } = await start();
    host.clearLogs();
    const stream = post(plugin);
    stream.requestBody('{"name": ', true);
    expect(stream.requestBodyText).toBe('{"name": ');
    expect(host.logsAt("info").join("\n")).toMatch(
      /request body is not a JSON object \(.+\), passing it through unchanged/,
    );
  });

  it("passes a JSON array through unchanged, with a log line", async () => {
    const { host, plugin } = await start();
    host.clearLogs();
    const stream = post(plugin);
    stream.requestBody("[1,2]", true);
    expect(stream.requestBodyText).toBe("[1,2]");
    expect(host.logsAt("info").join("\n")).toContain("not a JSON object (another JSON value)");
  });

  it("leaves bodies of other content types alone (not buffered, content-length kept)", async () => {
    const { host, plugin } = await start();
    host.clearLogs();
    const stream = post(plugin, { "content-type": "text/plain", "content-length": "7" });
    expect(stream.requestHeader("content-length")).toBe("7");
    expect(stream.requestBody('{"a":1}', false)).toBe(0);
    expect(stream.requestBodyText).toBe('{"a":1}');
    expect(host.logs).toEqual([]);
  });

  it("passes an oversized body (announced by content-length) through with a log line", async () => {
    const { host, plugin } = await start(JSON.stringify({ maxBytes: 10 }));
    host.clearLogs();
    const stream = post(plugin, { "content-length": "11" });
    expect(stream.requestHeader("content-length")).toBe("11");
    expect(stream.requestBody('{"a":"xxx"}', true)).toBe(0);
    expect(stream.requestBodyText).toBe('{"a":"xxx"}');
    expect(host.logsAt("info")).toEqual(["http-body: request body over 10 bytes, passing it through unchanged"]);
  });

  it("stops buffering once a chunked body grows over maxBytes, and lets it all through", async () => {
    const { host, plugin } = await start(JSON.stringify({ maxBytes: 10 }));
    host.clearLogs();
    const stream = post(plugin);
    expect(stream.requestBody('{"a":', false)).toBe(1);
    expect(stream.requestBody('"0123456789', false)).toBe(0); // 16 bytes buffered > 10
    expect(stream.requestBody('"}', true)).toBe(0);
    expect(stream.requestBodyText).toBe('{"a":"0123456789"}');
    expect(host.logsAt("info")).toEqual(["http-body: request body over 10 bytes, passing it through unchanged"]);
  });

  it("does nothing for a request without a body", async () => {
    const { plugin } = await start();
    const stream = plugin.newHttpStream();
    expect(
      stream.requestHeaders(
        { ":method": "GET", ":path": "/", "content-type": "application/json" },
        { endOfStream: true },
      ),
    ).toBe(0);
    expect(stream.requestHeader("content-type")).toBe("application/json");
  });
});

describe("http-body: response", () => {
  function respond(
    plugin: Plugin,
    body: string,
    headers: Record<string, string> = { "content-type": "application/json" },
  ) {
    const stream = post(plugin);
    stream.requestBody("{}", true);
    expect(stream.responseHeaders({ ":status": "200", "content-length": String(body.length), ...headers })).toBe(0);
    return stream;
  }

  it("wraps a JSON response as {data, requestId} by default", async () => {
    const { plugin } = await start();
    const stream = respond(plugin, '{"id":7}');
    expect(stream.responseHeader("content-length")).toBeUndefined();
    expect(stream.responseBody('{"id"', false)).toBe(1);
    expect(stream.responseBody(":7}", true)).toBe(0);
    expect(stream.responseBodyText).toBe('{"data":{"id":7},"requestId":"req-1"}');
  });

  it("uses the configured wrapKey", async () => {
    const { plugin } = await start(JSON.stringify({ wrapKey: 're"sult' }));
    const stream = respond(plugin, "[1]");
    stream.responseBody("[1]", true);
    expect(JSON.parse(stream.responseBodyText)).toEqual({ 're"sult': [1], requestId: "req-1" });
  });

  it("passes a non-JSON response through unchanged: by content type, or by content with a log line", async () => {
    const { host, plugin } = await start();
    const html = respond(plugin, "<p>hi</p>", { "content-type": "text/html" });
    expect(html.responseHeader("content-length")).toBe("9");
    html.responseBody("<p>hi</p>", true);
    expect(html.responseBodyText).toBe("<p>hi</p>");

    host.clearLogs();
    const broken = respond(plugin, "{oops");
    broken.responseBody("{oops", true);
    expect(broken.responseBodyText).toBe("{oops");
    expect(host.logsAt("info").join("\n")).toMatch(/response body is not JSON \(.+\), passing it through unchanged/);
  });

  it("passes an oversized response through unchanged with a log line", async () => {
    const { host, plugin } = await start(JSON.stringify({ maxBytes: 4 }));
    host.clearLogs();
    const stream = respond(plugin, '{"a":1}');
    stream.responseBody('{"a":1}', true);
    expect(stream.responseBodyText).toBe('{"a":1}');
    expect(host.logsAt("info")).toContain("http-body: response body over 4 bytes, passing it through unchanged");
  });

  it("replace mode replaces any response body with the configured text", async () => {
    const { plugin } = await start(JSON.stringify({ responseMode: "replace", replacement: "maintenance ✓" }));
    const stream = respond(plugin, "<html>", { "content-type": "text/html" });
    expect(stream.responseBody("<ht", false)).toBe(1);
    stream.responseBody("ml>", true);
    expect(stream.responseBodyText).toBe("maintenance ✓");
  });

  it("off mode leaves responses alone", async () => {
    const { plugin } = await start(JSON.stringify({ responseMode: "off" }));
    const stream = respond(plugin, '{"a":1}');
    expect(stream.responseHeader("content-length")).toBe("7");
    stream.responseBody('{"a":1}', true);
    expect(stream.responseBodyText).toBe('{"a":1}');
  });
});

describe("http-body: configuration", () => {
  it("rejects malformed JSON with a log line saying where", async () => {
    const { host, plugin } = await start("{maxBytes: 1}");
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error").join("\n")).toMatch(/plugin configuration is not valid JSON: .* at byte 1/);
  });

  it("rejects bad keys, naming them", async () => {
    for (const [config, message] of [
      [{ maxBytes: "64k" }, '"maxBytes" must be a whole number'],
      [{ maxBytes: 0 }, '"maxBytes" must be a whole number'],
      [{ maxBytes: 1.5 }, '"maxBytes" must be a whole number'],
      [{ responseMode: "rewrite" }, '"responseMode" must be "wrap", "replace" or "off"'],
      [{ responseMode: 1 }, '"responseMode" must be a string'],
      [{ wrapKey: null }, '"wrapKey" must be a string'],
      [{ responseMode: "replace" }, '"replacement" is required'],
    ] as const) {
      const { host, plugin } = await start(JSON.stringify(config));
      expect(plugin.configured, JSON.stringify(config)).toBe(false);
      expect(host.logsAt("error").join("\n")).toContain(message);
    }
  });
});
