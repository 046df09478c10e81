import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Host } from "proxy-wasm-as/host";

const WASM = fileURLToPath(new URL("../build/filter.wasm", import.meta.url));
const CONFIG = JSON.stringify({
  headers: [
    { name: "x-team", value: "payments" },
    { name: "x-tier", value: "gold" },
  ],
  denyPrefixes: ["/admin", "/internal"],
  denyStatus: 404,
});

async function start(configuration: string) {
  const host = new Host();
  const vm = await host.loadVm(WASM);
  const plugin = vm.startPlugin({ configuration });
  return { host, plugin };
}

/** The plugin fails to start with one error line: `message`, and nothing traps. */
async function refuses(configuration: string, message: string) {
  const { host, plugin } = await start(configuration);
  expect(plugin.configured).toBe(false);
  expect(host.logsAt("error")).toEqual([message]);
  expect(host.logsAt("critical")).toEqual([]); // a trap would log "abort: ..." at critical
}

describe("typed-config", () => {
  it("adds the configured headers to a request", async () => {
    const { plugin } = await start(CONFIG);
    const stream = plugin.newHttpStream();
    expect(stream.requestHeaders({ ":method": "GET", ":path": "/pay", "x-team": "old" })).toBe(0);
    expect(stream.requestHeader("x-team")).toBe("payments");
    expect(stream.requestHeader("x-tier")).toBe("gold");
  });

  it("answers a request under a denied prefix with the configured status", async () => {
    const { plugin } = await start(CONFIG);
    const stream = plugin.newHttpStream();
    stream.requestHeaders({ ":method": "GET", ":path": "/internal/metrics" });
    expect(stream.localResponse?.status).toBe(404);
    expect(stream.localResponse?.bodyText).toBe("denied\n");
  });

  it("takes the class's defaults for the keys a configuration leaves out, and for none", async () => {
    for (const configuration of ['{"denyPrefixes": ["/admin"]}', ""]) {
      const { plugin } = await start(configuration);
      const stream = plugin.newHttpStream();
      stream.requestHeaders({ ":method": "GET", ":path": "/admin" });
      expect(stream.localResponse?.status ?? 200).toBe(configuration === "" ? 200 : 403);
    }
  });

  it("reads keys in any order, with escapes, and warns of keys it does not know", async () => {
    const { host, plugin } = await start(
      '{"denyStatus": 401, "extra": true, "headers": [{"value": "caf\\u00e9 \\"x\\"", "name": "x-a"}]}',
    );
    expect(plugin.configured).toBe(true);
    expect(host.logsAt("warn")).toEqual(["plugin configuration: ignoring unknown key extra"]);
    const stream = plugin.newHttpStream();
    stream.requestHeaders({ ":method": "GET", ":path": "/" });
    expect(stream.requestHeader("x-a")).toBe('café "x"');
  });

  it("refuses malformed JSON naming the byte, without a trap", async () => {
    await refuses(
      '{"denyStatus": 401',
      "plugin configuration is not valid JSON: expected ',' or '}' in object at byte 18",
    );
    await refuses(
      "denyStatus=401",
      "plugin configuration is not valid JSON: unexpected character 'd', expected a value at byte 0",
    );
  });

  it("refuses a value of the wrong type or range naming the field, where json-as alone stores a wrong value or traps", async () => {
    await refuses(
      '{"denyStatus": "401"}',
      'plugin configuration: "denyStatus" must be a whole number from 0 to 65535, not "401"',
    );
    await refuses(
      '{"denyStatus": 70000}',
      'plugin configuration: "denyStatus" must be a whole number from 0 to 65535, not 70000',
    );
    await refuses(
      '{"denyStatus": 403.5}',
      'plugin configuration: "denyStatus" must be a whole number from 0 to 65535, not 403.5',
    );
    await refuses('{"denyPrefixes": ["/a", 7]}', 'plugin configuration: "denyPrefixes[1]" must be a string, not 7');
    await refuses('{"headers": {"name": "x"}}', 'plugin configuration: "headers" must be an array, not an object');
    await refuses('{"headers": [{"value": "v"}]}', 'plugin configuration: "headers[0].name" is required');
    await refuses("[1, 2]", "plugin configuration: the configuration must be an object, not an array");
  });
});
