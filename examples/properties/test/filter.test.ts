import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Action, Host, type Plugin } from "proxy-wasm-as/host";

const FILTER = fileURLToPath(new URL("../build/filter.wasm", import.meta.url));

const CONFIG = JSON.stringify({
  deny_path_prefixes: ["/admin", "/debug"],
  deny_source_addresses: ["192.0.2.10", "2001:db8::1"],
});

async function start(configuration = CONFIG, name = "edge-guard") {
  const host = new Host();
  const vm = await host.loadVm(FILTER);
  const plugin = vm.startPlugin({ configuration, name });
  return { host, vm, plugin };
}

type Props = [string[], string][];

function send(plugin: Plugin, path: string, props: Props = [], extra: [string, string][] = []) {
  const stream = plugin.newHttpStream();
  for (const [key, value] of props) stream.setProperty(key, value);
  const action = stream.requestHeaders([[":method", "GET"], [":path", path], [":authority", "example.com"], ...extra], {
    endOfStream: true,
  });
  return { stream, action };
}

const from = (address: string): Props => [[["source", "address"], address]];

describe("properties", () => {
  it("lets an allowed request through with the client's ip in x-source-address", async () => {
    const { plugin } = await start();
    expect(plugin.configured).toBe(true);
    const { stream, action } = send(plugin, "/hello", from("10.0.0.12:53124"));
    expect(action).toBe(Action.Continue);
    expect(stream.localResponse).toBeNull();
    expect(stream.requestHeader("x-source-address")).toBe("10.0.0.12");
  });

  it("replaces a client-sent x-source-address with the address the proxy saw", async () => {
    const { plugin } = await start();
    const forged: [string, string][] = [["x-source-address", "127.0.0.1"]];
    const known = send(plugin, "/", from("10.1.2.3:4000"), forged).stream;
    expect(known.requestHeadersMap.filter(([k]) => k === "x-source-address")).toEqual([
      ["x-source-address", "10.1.2.3"],
    ]);
    // A test that sets no address gets the emulator's default client (Envoy always has one).
    const unset = send(plugin, "/", [], forged).stream;
    expect(unset.requestHeadersMap.filter(([k]) => k === "x-source-address")).toEqual([
      ["x-source-address", "10.0.0.2"],
    ]);
    expect(unset.localResponse).toBeNull();
  });

  it("sees the addresses a test sets for the whole Host, as for one stream", async () => {
    const { host, plugin } = await start();
    host.setProperty("source.address", "192.0.2.10:7000");
    expect(send(plugin, "/hello").stream.localResponse).toMatchObject({ status: 403, details: "source_denied" });
  });

  it("denies configured path prefixes (request.path) with 403, naming the plugin", async () => {
    const { plugin } = await start();
    for (const path of ["/admin", "/admin/users", "/debug/pprof?x=1"]) {
      const { stream, action } = send(plugin, path, from("10.0.0.12:1"));
      expect(action, path).toBe(Action.Pause);
      expect(stream.localResponse, path).toMatchObject({ status: 403, details: "path_denied" });
      expect(stream.localResponse!.headers).toContainEqual(["x-denied-by", "edge-guard"]);
    }
    // A plain string prefix, as in Envoy's route matching: "/admin" also covers "/admin-docs".
    expect(send(plugin, "/admin-docs", from("10.0.0.12:1")).stream.localResponse).toMatchObject({ status: 403 });
    expect(send(plugin, "/adm", from("10.0.0.12:1")).stream.localResponse).toBeNull();
    expect(send(plugin, "/public/admin", from("10.0.0.12:1")).stream.localResponse).toBeNull();
  });

  it("denies configured source addresses (source.address), IPv4 and IPv6, whatever the port", async () => {
    const { plugin } = await start();
    for (const address of ["192.0.2.10:5000", "192.0.2.10:6000", "[2001:db8::1]:443"]) {
      const { stream } = send(plugin, "/hello", from(address));
      expect(stream.localResponse, address).toMatchObject({ status: 403, details: "source_denied" });
    }
    const ok = send(plugin, "/hello", from("[2001:db8::2]:443")).stream;
    expect(ok.localResponse).toBeNull();
    expect(ok.requestHeader("x-source-address")).toBe("2001:db8::2");
    expect(send(plugin, "/hello", from("192.0.2.100:5000")).stream.localResponse).toBeNull();
  });

  it("denies every request of a route whose metadata says policy: deny (xds.route_metadata)", async () => {
    const { plugin } = await start();
    const path = ["xds", "route_metadata", "filter_metadata", "proxy_wasm_as.properties", "policy"];
    const denied = send(plugin, "/internal/jobs", [[path, "deny"]]).stream;
    expect(denied.localResponse).toMatchObject({ status: 403, details: "route_policy" });
    const allowed = send(plugin, "/internal/jobs", [[path, "allow"]]).stream;
    expect(allowed.localResponse).toBeNull();
  });

  it("reads the pre-1.29 route_metadata attribute too, and the configured namespace", async () => {
    const { plugin } = await start('{"metadata_namespace": "acme.guard"}');
    const legacy = ["route_metadata", "filter_metadata", "acme.guard", "policy"];
    expect(send(plugin, "/x", [[legacy, "deny"]]).stream.localResponse).toMatchObject({ status: 403 });
    const otherNamespace = ["route_metadata", "filter_metadata", "proxy_wasm_as.properties", "policy"];
    expect(send(plugin, "/x", [[otherNamespace, "deny"]]).stream.localResponse).toBeNull();
  });

  it("with no configuration, denies nothing and adds x-source-address", async () => {
    const { plugin } = await start("");
    expect(plugin.configured).toBe(true);
    const { stream } = send(plugin, "/admin", from("192.0.2.10:1"));
    expect(stream.localResponse).toBeNull();
    expect(stream.requestHeader("x-source-address")).toBe("192.0.2.10");
  });

  it("uses the configured header, or none", async () => {
    const custom = (await start('{"source_header": "X-Client-IP"}')).plugin;
    expect(send(custom, "/", from("10.0.0.1:1")).stream.requestHeader("x-client-ip")).toBe("10.0.0.1");
    const none = (await start('{"source_header": ""}')).plugin;
    const s = send(none, "/", from("10.0.0.1:1")).stream;
    expect(s.requestHeadersMap.map(([k]) => k)).toEqual([":method", ":path", ":authority"]);
  });

  it("refuses malformed JSON, saying why", async () => {
    const { host, plugin } = await start('{"deny_path_prefixes": ["/admin"');
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error").join("\n")).toMatch(/plugin configuration is not valid JSON/);
  });

  it("refuses values of the wrong type", async () => {
    for (const [configuration, message] of [
      ['{"deny_path_prefixes": "/admin"}', 'properties: "deny_path_prefixes" must be an array of strings'],
      ['{"deny_source_addresses": [1]}', 'properties: "deny_source_addresses" must be an array of strings'],
      ['{"source_header": false}', 'properties: "source_header" must be a string ("" to add no header)'],
      ['{"metadata_namespace": ""}', 'properties: "metadata_namespace" must be a non-empty string'],
      ["null", "properties: configuration must be a JSON object"],
    ]) {
      const { host, plugin } = await start(configuration);
      expect(plugin.configured, configuration).toBe(false);
      expect(host.logsAt("error"), configuration).toContain(message);
    }
  });

  it("keeps memory flat over many requests", async () => {
    const host = new Host({ record: false });
    const vm = await host.loadVm(FILTER);
    const plugin = vm.startPlugin({ configuration: CONFIG });
    let i = 0;
    const run = () => {
      const { stream } = send(plugin, i % 3 ? "/ok" : "/admin", from(i % 5 ? "10.0.0.1:1" : "192.0.2.10:2"));
      i++;
      if (!stream.localResponse) stream.responseHeaders([[":status", "200"]], { endOfStream: true });
      stream.complete();
    };
    for (let n = 0; n < 1000; n++) run();
    const before = vm.memoryBytes;
    for (let n = 0; n < 10000; n++) run();
    expect(vm.memoryBytes).toBe(before);
  });
});
