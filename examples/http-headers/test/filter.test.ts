import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Host, type HostOptions } from "proxy-wasm-as/host";

const WASM = fileURLToPath(new URL("../build/filter.wasm", import.meta.url));
const GET: [string, string][] = [
  [":method", "GET"],
  [":path", "/items?id=7"],
  [":authority", "example.com"],
  ["user-agent", "curl/8"],
];

async function start(configuration?: string, opts: HostOptions = {}) {
  const host = new Host(opts);
  const vm = await host.loadVm(WASM);
  const plugin = vm.startPlugin(configuration === undefined ? {} : { configuration });
  return { host, plugin };
}

function roundTrip(
  plugin: Awaited<ReturnType<typeof start>>["plugin"],
  response: [string, string][] = [
    [":status", "200"],
    ["content-type", "text/plain"],
  ],
) {
  const stream = plugin.newHttpStream();
  expect(stream.requestHeaders(GET, { endOfStream: true })).toBe(0);
  expect(stream.responseHeaders(response, { endOfStream: true })).toBe(0);
  return stream;
}

describe("http-headers", () => {
  it("adds x-powered-by: proxy-wasm-as by default (no configuration)", async () => {
    const { plugin } = await start();
    expect(plugin.configured).toBe(true);
    const stream = roundTrip(plugin);
    expect(stream.responseHeader("x-powered-by")).toBe("proxy-wasm-as");
    expect(stream.responseHeader("content-type")).toBe("text/plain");
    // The request is not changed.
    expect(stream.requestHeadersMap).toEqual(GET);
  });

  it("sets the configured header, lower-cased, replacing an upstream value", async () => {
    const { plugin } = await start(JSON.stringify({ header: "X-Served-By", value: "edge-1" }));
    const stream = roundTrip(plugin, [
      [":status", "200"],
      ["x-served-by", "upstream"],
    ]);
    expect(stream.responseHeadersMap.filter(([name]) => name === "x-served-by")).toEqual([["x-served-by", "edge-1"]]);
  });

  it("logs the request and the response headers at info by default", async () => {
    const { host, plugin } = await start("{}");
    host.clearLogs();
    const stream = roundTrip(plugin);
    const lines = host.logsAt("info");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      `http-headers: request headers (#${stream.id}): :method=GET, :path=/items?id=7, :authority=example.com, user-agent=curl/8`,
    );
    expect(lines[1]).toBe(`http-headers: response headers (#${stream.id}): :status=200, content-type=text/plain`);
  });

  it("with logLevel debug, logs at debug and nothing when the proxy's level hides it", async () => {
    const config = JSON.stringify({ logLevel: "debug" });
    const shown = await start(config);
    shown.host.clearLogs();
    roundTrip(shown.plugin);
    expect(shown.host.logs.map((l) => l.level)).toEqual(["debug", "debug"]);

    const hidden = await start(config, { logLevel: "info" });
    hidden.host.clearLogs();
    const stream = roundTrip(hidden.plugin);
    expect(hidden.host.logs).toEqual([]);
    expect(stream.responseHeader("x-powered-by")).toBe("proxy-wasm-as"); // still tags
  });

  it("tags local responses and responses with a body", async () => {
    const { plugin } = await start();
    const stream = plugin.newHttpStream();
    stream.requestHeaders(GET);
    stream.requestBody("x", true);
    stream.responseHeaders([[":status", "404"]]);
    stream.responseBody("not found", true);
    expect(stream.responseHeader("x-powered-by")).toBe("proxy-wasm-as");
    expect(stream.responseBodyText).toBe("not found");
  });

  it("rejects malformed JSON with a log line saying where", async () => {
    const { host, plugin } = await start('{"header": ');
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error").join("\n")).toMatch(/plugin configuration is not valid JSON: .* at byte 11/);
  });

  it("rejects a key of the wrong type, naming the key", async () => {
    for (const [config, key] of [
      [{ header: 7 }, "header"],
      [{ value: true }, "value"],
      [{ logLevel: ["info"] }, "logLevel"],
    ] as const) {
      const { host, plugin } = await start(JSON.stringify(config));
      expect(plugin.configured).toBe(false);
      expect(host.logsAt("error").join("\n")).toContain(`"${key}" must be a string`);
    }
  });

  it("rejects an empty or pseudo-header name, an unknown logLevel, a non-object", async () => {
    for (const [config, message] of [
      [JSON.stringify({ header: "" }), '"header" must be a non-empty header name'],
      [JSON.stringify({ header: ":status" }), '"header" must be a non-empty header name'],
      [JSON.stringify({ logLevel: "verbose" }), '"logLevel" must be "info" or "debug"'],
      ["[1]", "configuration must be a JSON object"],
    ]) {
      const { host, plugin } = await start(config);
      expect(plugin.configured).toBe(false);
      expect(host.logsAt("error").join("\n")).toContain(message);
    }
  });
});
