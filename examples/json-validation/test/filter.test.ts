import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Host, type Plugin } from "proxy-wasm-as/host";

const WASM = fileURLToPath(new URL("../build/filter.wasm", import.meta.url));
const CONFIG = JSON.stringify({ requiredKeys: ["user", "action"] });

async function start(configuration?: string) {
  const host = new Host();
  const vm = await host.loadVm(WASM);
  const plugin = vm.startPlugin(configuration === undefined ? {} : { configuration });
  return { host, plugin };
}

/** Sends a request with `body` (in chunks) and returns the stream. */
function send(plugin: Plugin, method: string, ...chunks: string[]) {
  const stream = plugin.newHttpStream();
  const action = stream.requestHeaders(
    { ":method": method, ":path": "/api", ":authority": "example.com", "content-type": "application/json" },
    { endOfStream: chunks.length === 0 },
  );
  chunks.forEach((chunk, i) => {
    stream.requestBody(chunk, i === chunks.length - 1);
  });
  return { stream, action };
}

describe("json-validation", () => {
  it("forwards a JSON object holding every required key, unchanged, after the whole body", async () => {
    const { plugin } = await start(CONFIG);
    const stream = plugin.newHttpStream();
    expect(stream.requestHeaders({ ":method": "POST", ":path": "/api" })).toBe(0);
    expect(stream.requestBody('{"user": "u1", ', false)).toBe(1); // held until complete
    expect(stream.requestBodyText).toBe("");
    expect(stream.requestBody('"action": "buy", "extra": 1}', true)).toBe(0);
    expect(stream.localResponse).toBeNull();
    expect(stream.requestBodyText).toBe('{"user": "u1", "action": "buy", "extra": 1}');
  });

  it("answers 403 naming the first missing key", async () => {
    const { plugin } = await start(CONFIG);
    const { stream } = send(plugin, "POST", '{"user": "u1"}');
    expect(stream.localResponse?.status).toBe(403);
    expect(stream.localResponse?.bodyText).toBe("missing required key: action\n");
    expect(stream.localResponse?.details).toBe("json_validation_missing_key");
    expect(stream.requestBodyText).toBe(""); // nothing reached the upstream

    const other = send(plugin, "PUT", '{"action": 1, "nested": {"user": 2}}').stream;
    expect(other.localResponse?.bodyText).toBe("missing required key: user\n");
  });

  it("counts a key holding null as present", async () => {
    const { plugin } = await start(CONFIG);
    expect(send(plugin, "PATCH", '{"user": null, "action": false}').stream.localResponse).toBeNull();
  });

  it("answers 400 with the parse error for a body that is not JSON", async () => {
    const { plugin } = await start(CONFIG);
    const { stream } = send(plugin, "POST", "user=u1&action=buy");
    expect(stream.localResponse?.status).toBe(400);
    expect(stream.localResponse?.bodyText).toMatch(/^request body is not valid JSON: .+ at byte 0\n$/);
    expect(stream.localResponse?.headers).toContainEqual(["content-type", "text/plain; charset=utf-8"]);
  });

  it("answers 400 for JSON that is not an object, and for a missing body", async () => {
    const { plugin } = await start(CONFIG);
    const array = send(plugin, "POST", '["user", "action"]').stream;
    expect(array.localResponse?.status).toBe(400);
    expect(array.localResponse?.bodyText).toBe("request body must be a JSON object\n");

    const { stream, action } = send(plugin, "POST");
    expect(action).toBe(1);
    expect(stream.localResponse?.status).toBe(400);
    expect(stream.localResponse?.bodyText).toBe("request body required: expected a JSON object\n");
  });

  it("answers 413 as soon as the buffered body exceeds maxBytes", async () => {
    const { plugin } = await start(JSON.stringify({ requiredKeys: ["user"], maxBytes: 16 }));
    const stream = plugin.newHttpStream();
    stream.requestHeaders({ ":method": "POST", ":path": "/api" });
    expect(stream.requestBody('{"user": "', false)).toBe(1);
    stream.requestBody("0123456789", false); // 20 bytes buffered
    expect(stream.localResponse?.status).toBe(413);
    expect(stream.localResponse?.bodyText).toBe("request body over 16 bytes\n");
  });

  it("lets other methods through without looking at them", async () => {
    const { plugin } = await start(CONFIG);
    const get = send(plugin, "GET");
    expect(get.action).toBe(0);
    expect(get.stream.localResponse).toBeNull();
    const del = send(plugin, "DELETE", "not json");
    expect(del.stream.localResponse).toBeNull();
    expect(del.stream.requestBodyText).toBe("not json");
  });

  it("checks the configured methods only", async () => {
    const { plugin } = await start(JSON.stringify({ requiredKeys: ["id"], methods: ["DELETE"] }));
    expect(send(plugin, "POST", "{}").stream.localResponse).toBeNull();
    expect(send(plugin, "DELETE", "{}").stream.localResponse?.status).toBe(403);
  });

  it("with an empty requiredKeys, still requires a JSON object", async () => {
    const { plugin } = await start(JSON.stringify({ requiredKeys: [] }));
    expect(send(plugin, "POST", "{}").stream.localResponse).toBeNull();
    expect(send(plugin, "POST", "42").stream.localResponse?.status).toBe(400);
  });

  it("fails to start without configuration: requiredKeys is required", async () => {
    const { host, plugin } = await start();
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error")).toContain('json-validation: "requiredKeys" is required (an array of key names)');
  });

  it("fails to start on malformed JSON, saying where", async () => {
    const { host, plugin } = await start('{"requiredKeys": ["a",]}');
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error").join("\n")).toMatch(/plugin configuration is not valid JSON: .* at byte 22/);
  });

  it("fails to start on keys of the wrong type, naming them", async () => {
    for (const [config, message] of [
      [{ requiredKeys: "user" }, '"requiredKeys" must be an array of strings'],
      [{ requiredKeys: ["user", 2] }, '"requiredKeys" must be an array of strings'],
      [{ requiredKeys: [], methods: "POST" }, '"methods" must be an array of strings'],
      [{ requiredKeys: [], maxBytes: -1 }, '"maxBytes" must be a whole number'],
    ] as const) {
      const { host, plugin } = await start(JSON.stringify(config));
      expect(plugin.configured, JSON.stringify(config)).toBe(false);
      expect(host.logsAt("error").join("\n")).toContain(message);
    }
  });
  it("on a host that never signals end of stream (nginx), decides from the framing headers", async () => {
    const { host, plugin } = await start(CONFIG);
    // ngx_wasm_module: endOfStream is false on every request's headers, and there is no body
    // callback when there is no body; it is recognised by its ngx.* properties
    host.setProperty(["ngx", "nginx_version"], "1.27.4");
    const headers = { ":method": "POST", ":path": "/api" };
    const noBody = plugin.newHttpStream();
    expect(noBody.requestHeaders(headers, { endOfStream: false })).toBe(1);
    expect(noBody.localResponse?.bodyText).toBe("request body required: expected a JSON object\n");
    const empty = plugin.newHttpStream();
    empty.requestHeaders({ ...headers, "content-length": "0" }, { endOfStream: false });
    expect(empty.localResponse?.status).toBe(400);

    const withBody = plugin.newHttpStream();
    expect(withBody.requestHeaders({ ...headers, "content-length": "30" }, { endOfStream: false })).toBe(0);
    expect(withBody.requestBody('{"user": "u1", "action": "buy"}', true)).toBe(0);
    expect(withBody.localResponse).toBeNull();
    const chunked = plugin.newHttpStream();
    expect(chunked.requestHeaders({ ...headers, "transfer-encoding": "chunked" }, { endOfStream: false })).toBe(0);
    expect(chunked.localResponse).toBeNull();
  });
});
