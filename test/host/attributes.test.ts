// The emulator's attribute catalog (host/state/attributes.ts) serializes each attribute as Envoy's
// serializeValue does (source/extensions/common/wasm/context.cc), and its foreign functions
// (host/state/foreign-functions.ts, host/wasm/cel.ts) answer with Envoy's encodings and statuses. These
// tests read the bytes a filter would get, without a filter in between.
import { describe, expect, it } from "vitest";
import { decodePairs, ForeignStatus, Host, Status } from "../../host/index.js";
import { MessageWriter, parseMessage } from "../../host/wasm/protobuf.js";
import { wat } from "./wat.js";

// Pauses in the request headers, so the request map stays where Envoy's context points at it
// (after CONTINUE, Envoy forgets the map and request.path is gone until proxy_on_log).
const PAUSING = wat(
  `(func (export "proxy_on_request_headers") (param i32) (param i32) (param i32) (result i32) (i32.const 1))`,
);

async function stream(host = new Host()) {
  const vm = await host.loadVm(PAUSING);
  const plugin = vm.startPlugin({ name: "p", rootId: "r" });
  return { host, plugin, stream: plugin.newHttpStream() };
}

const key = (dotted: string) => dotted.split(".").join("\0");
const i64 = (b: Uint8Array | undefined) =>
  b && b.length === 8 ? new DataView(b.buffer, b.byteOffset).getBigInt64(0, true) : undefined;
const u64 = (b: Uint8Array | undefined) =>
  b && b.length === 8 ? new DataView(b.buffer, b.byteOffset).getBigUint64(0, true) : undefined;
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

describe("properties Envoy always has (issue 15, kind 5)", () => {
  // Envoy's PeerWrapper and ConnectionWrapper read the downstream connection, which every live
  // stream and connection has: source.*, destination.*, connection.id are never NOT_FOUND there.
  const always = [
    "source.address",
    "source.port",
    "destination.address",
    "destination.port",
    "connection.id",
    "connection.mtls",
    "connection.requested_server_name",
    "request.time",
    "response.flags",
    "xds.listener_direction",
    "plugin_name",
    "plugin_root_id",
    "plugin_vm_id",
    "xds.node.id",
  ];

  it("on an HTTP stream and a TCP connection, without a test setting them", async () => {
    const { plugin, stream: s } = await stream();
    s.requestHeaders([
      [":method", "GET"],
      [":path", "/"],
    ]);
    const conn = plugin.newTcpStream();
    conn.newConnection();
    for (const k of always) {
      expect(s.lookupProperty(key(k)), `HTTP ${k}`).toBeDefined();
      expect(conn.lookupProperty(key(k)), `TCP ${k}`).toBeDefined();
    }
    for (const k of ["request.path", "request.method", "request.protocol", "xds.route_name", "xds.cluster_name"]) {
      expect(s.lookupProperty(key(k)), `HTTP ${k}`).toBeDefined();
    }
  });
});

describe("attribute encodings", () => {
  it("strings raw, integers and times 8 bytes LE, uint for connection.id, 1 byte for bools, maps as pairs", async () => {
    const { host, stream: s } = await stream();
    s.requestHeaders([
      [":path", "/x?q"],
      ["a", "1"],
      ["a", "2"],
    ]);
    expect(text(s.lookupProperty(key("request.path")))).toBe("/x?q");
    expect(i64(s.lookupProperty(key("request.time")))).toBe(host.startNs);
    expect(u64(s.lookupProperty(key("connection.id")))).toBe(BigInt(s.id));
    expect(u64(s.lookupProperty("connection_id"))).toBe(BigInt(s.id));
    expect(s.lookupProperty(key("connection.mtls"))).toEqual(Uint8Array.of(0));
    expect(i64(s.lookupProperty(key("source.port")))).toBe(52000n);
    expect(decodePairs(s.lookupProperty(key("request.headers"))!)).toEqual([
      [":path", "/x?q"],
      ["a", "1,2"],
    ]);
    // A name is looked up lower-cased, as Envoy's LowerCaseString does.
    expect(text(s.lookupProperty("request\0headers\0A"))).toBe("1,2");
    // A map with no entries is still a map (Envoy serializes the empty header map of a stream without a response).
    expect(s.lookupProperty(key("response.headers"))).toEqual(Uint8Array.of(0, 0, 0, 0));
  });

  it("absent in Envoy, absent here: TLS fields without TLS, request.duration before the end, response.code before a response", async () => {
    const { stream: s } = await stream();
    s.requestHeaders([[":path", "/"]]);
    for (const k of [
      "connection.tls_version",
      "connection.subject_peer_certificate",
      "request.duration",
      "response.code",
      "connection.termination_details",
      "upstream.tls_version",
    ]) {
      expect(s.lookupProperty(key(k)), k).toBeUndefined();
    }
  });

  it("xds.node is the serialized Node message (id = 1, cluster = 2); node.id follows a test's value", async () => {
    const host = new Host();
    host.setProperty(["xds", "node", "id"], "sidecar~1");
    const { stream: s } = await stream(host);
    const fields = parseMessage(s.lookupProperty(key("xds.node"))!)!;
    expect(fields.map((f) => [f.field, text(f.bytes)])).toEqual([
      [1, "sidecar~1"],
      [2, "proxy-wasm-as"],
      [6, "envoy"],
    ]);
  });

  it("a value set on the stream beats the stream's own; a Host value beats only the defaults", async () => {
    const host = new Host();
    host.setProperty("request.path", "/from-host");
    host.setProperty("destination.address", "[::1]:9443");
    const { stream: s } = await stream(host);
    s.requestHeaders([[":path", "/sent"]]);
    expect(text(s.lookupProperty(key("request.path")))).toBe("/sent");
    expect(i64(s.lookupProperty(key("destination.port")))).toBe(9443n);
    s.setProperty("request.path", "/from-stream");
    expect(text(s.lookupProperty(key("request.path")))).toBe("/from-stream");
  });

  it("a stream's source.address moves its source.port, as the plugin's and the Host's do (issue 23.1)", async () => {
    const { host, plugin, stream: s } = await stream();
    s.setProperty("source.address", "192.168.1.7:4242");
    expect(i64(s.lookupProperty(key("source.port")))).toBe(4242n);
    const other = plugin.newHttpStream();
    expect(i64(other.lookupProperty(key("source.port")))).toBe(52000n);
    const conn = plugin.newTcpStream();
    conn.setProperty("destination.address", "[::1]:9443");
    expect(i64(conn.lookupProperty(key("destination.port")))).toBe(9443n);
    // A stream's own address beats the plugin's and the Host's.
    plugin.setProperty("source.address", "10.9.9.9:1111");
    host.setProperty("source.address", "10.8.8.8:2222");
    expect(i64(s.lookupProperty(key("source.port")))).toBe(4242n);
    expect(i64(other.lookupProperty(key("source.port")))).toBe(1111n);
  });

  it("undefined removes a value, built-in defaults included: the filter then sees NOT_FOUND (issue 23.2)", async () => {
    const host = new Host();
    host.setProperty("xds.virtual_host_name", undefined);
    const { plugin, stream: s } = await stream(host);
    s.requestHeaders([[":path", "/sent"]]);
    expect(s.lookupProperty(key("xds.virtual_host_name"))).toBeUndefined();
    plugin.setProperty("xds.route_name", undefined);
    expect(s.lookupProperty(key("xds.route_name"))).toBeUndefined();
    expect(text(s.lookupProperty(key("xds.cluster_name")))).toBe("backend");
    // A stream may give back what its plugin removed, and remove what it derives itself.
    s.setProperty("xds.route_name", "r1");
    expect(text(s.lookupProperty(key("xds.route_name")))).toBe("r1");
    s.setProperty("request.path", undefined);
    expect(s.lookupProperty(key("request.path"))).toBeUndefined();
    // Without an address there is no port either.
    s.setProperty("source.address", undefined);
    expect(s.lookupProperty(key("source.port"))).toBeUndefined();
    // A removed map takes its entries along.
    host.setProperty("node.metadata", { region: "eu" });
    expect(text(s.lookupProperty(key("node.metadata.region")))).toBe("eu");
    plugin.setProperty("node.metadata", undefined);
    expect(s.lookupProperty(key("node.metadata.region"))).toBeUndefined();
  });
});

describe("foreign functions at the byte level", () => {
  it("set_envoy_filter_state: bytes that are not protobuf are BAD_ARGUMENT", async () => {
    const { host, stream: s } = await stream();
    const fn = host.foreignFunctions.get("set_envoy_filter_state")!;
    const info = { vmId: "", contextId: s.id, context: s };
    expect(fn(Uint8Array.of(0xff), info)).toEqual(new ForeignStatus(Status.BAD_ARGUMENT));
    const args = new MessageWriter().bytes(1, "envoy.string").bytes(2, "v").uint(3, 1).finish();
    expect(fn(args, info)).toEqual(new Uint8Array(0));
    expect(text(s.lookupProperty("filter_state\0envoy.string"))).toBe("v");
  });

  it("expr_* tokens: 4 bytes LE, wrong-size arguments BAD_ARGUMENT, tokens per plugin", async () => {
    const { host, plugin, stream: s } = await stream();
    const create = host.foreignFunctions.get("expr_create")!,
      evaluate = host.foreignFunctions.get("expr_evaluate")!;
    const t0 = create(new TextEncoder().encode("1 + 1"), { vmId: "", contextId: s.id, context: s }) as Uint8Array;
    const t1 = create(new TextEncoder().encode("'a'"), {
      vmId: "",
      contextId: plugin.id,
      context: plugin,
    }) as Uint8Array;
    expect([...t0, ...t1]).toEqual([0, 0, 0, 0, 1, 0, 0, 0]);
    expect(evaluate(Uint8Array.of(1, 0, 0), { vmId: "", contextId: s.id, context: s })).toEqual(
      new ForeignStatus(Status.BAD_ARGUMENT),
    );
    expect(i64(evaluate(t0, { vmId: "", contextId: s.id, context: s }) as Uint8Array)).toBe(2n);
  });
});
