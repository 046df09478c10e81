// The SDK's typed attribute getters (assembly/attributes/*) decode what the emulator serves the
// way Envoy serializes it. The probe (test/filters/attributes-probe.ts) logs "name=value" for
// every getter in each callback; these tests read those lines.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Host } from "../../host/index.js";

const PROBE = readFileSync(fileURLToPath(new URL("../build/attributes-probe.wasm", import.meta.url)));

/** The probe's log lines grouped by the "-- section" line that precedes them. */
function sections(host: Host): Record<string, string>[] & { named(name: string): Record<string, string> } {
  const out: (Record<string, string> & { "--": string })[] = [];
  for (const { message } of host.logs) {
    if (message.startsWith("-- ")) out.push({ "--": message.slice(3) });
    else if (out.length > 0 && message.includes("=")) {
      const at = message.indexOf("=");
      out[out.length - 1][message.slice(0, at)] = message.slice(at + 1);
    }
  }
  return Object.assign(out, {
    named(name: string) {
      const hit = out.find((s) => s["--"] === name);
      if (!hit) throw new Error(`no "${name}" section in the probe's logs`);
      return hit;
    },
  });
}

/** Envoy's HeaderMap::byteSize: every name and value length added up. */
const byteSize = (pairs: [string, string][]) => pairs.reduce((n, [k, v]) => n + k.length + v.length, 0);

const REQUEST: [string, string][] = [
  [":method", "POST"],
  [":path", "/a/b?x=1#f"],
  [":authority", "example.com"],
  [":scheme", "https"],
  ["x-multi", "1"],
  ["x-multi", "2"],
  ["x-probe", "attributes"],
  ["content-length", "5"],
  ["referer", "https://r/"],
  ["user-agent", "curl/8"],
  ["x-request-id", "rid-1"],
];

async function start(host = new Host(), configuration = "") {
  const vm = await host.loadVm(PROBE, { vmId: "vm-1" });
  const plugin = vm.startPlugin({ name: "attributes-probe", rootId: "probe-root", configuration });
  return { host, vm, plugin };
}

describe("HTTP attributes with the emulator's Envoy defaults", () => {
  it("request headers: request.* from the headers sent, connection and xds defaults, no upstream yet", async () => {
    const { host, plugin } = await start();
    const stream = plugin.newHttpStream();
    stream.requestHeaders(REQUEST);
    const s = sections(host).named("request headers");
    expect(s).toMatchObject({
      "request.path": "/a/b?x=1#f",
      "request.url_path": "/a/b",
      "request.query": "x=1",
      "request.host": "example.com",
      "request.scheme": "https",
      "request.method": "POST",
      "request.referer": "https://r/",
      "request.useragent": "curl/8",
      "request.id": "rid-1",
      "request.protocol": "HTTP/1.1",
      "request.headers[x-multi]": "1,2",
      "request.time": String(host.startNs),
      "request.duration": "-1",
      "request.size": "5",
      "request.headers_bytes": String(byteSize(REQUEST)),
      "response.code": "-1",
      "response.code_details": "null",
      "response.headers": "{}",
      "response.size": "0",
      "connection.id": String(stream.id),
      "connection.mtls": "false",
      "connection.requested_server_name": "",
      "connection.tls_version": "null",
      "source.address": "10.0.0.2:52000",
      "source.port": "52000",
      "source.host": "10.0.0.2",
      "destination.address": "10.0.0.1:8080",
      "destination.port": "8080",
      "upstream.address": "null",
      "upstream.port": "-1",
      "upstream.request_attempt_count": "0",
      "xds.node.id": "envoy-emulator",
      "xds.cluster_name": "backend",
      "xds.route_name": "default",
      "xds.listener_direction": "0",
      plugin_name: "attributes-probe",
      plugin_root_id: "probe-root",
      plugin_vm_id: "vm-1",
      "istio.mesh_id": "null",
      "istio.downstream.workload": "null",
    });
    // One pair per name, repeated values joined by "," (CEL's view of a header map).
    expect(s["request.headers"]).toContain("x-multi:1,2");
  });

  it("response headers and log: response.*, the chosen upstream, the request's duration and sizes", async () => {
    const { host, plugin } = await start();
    const stream = plugin.newHttpStream();
    stream.requestHeaders(REQUEST);
    stream.requestBody("hello", true);
    const response: [string, string][] = [
      [":status", "404"],
      ["content-type", "text/plain"],
    ];
    stream.responseHeaders(response);
    stream.responseBody("nope", true);
    host.advanceTime(15);
    stream.complete();
    const r = sections(host).named("response headers");
    expect(r).toMatchObject({
      // The request map went on with CONTINUE: Envoy has no request headers to read here.
      "request.path": "null",
      "request.method": "null",
      "request.headers": "{}",
      "request.size": "5",
      "response.code": "404",
      "response.code_details": "via_upstream",
      "response.flags": "0",
      // No grpc-status anywhere: inferred from the HTTP status (404 → UNIMPLEMENTED), as Envoy does.
      "response.grpc_status": "12",
      "response.headers[content-type]": "text/plain",
      "upstream.address": "10.0.0.3:80",
      "upstream.port": "80",
      "upstream.local_address": "10.0.0.1:40000",
      "upstream.transport_failure_reason": "",
      "upstream.request_attempt_count": "1",
      "upstream.num_endpoints": "1",
    });
    const log = sections(host).named("log");
    expect(log).toMatchObject({
      // proxy_on_log reads the access log's maps: the request headers are back.
      "request.path": "/a/b?x=1#f",
      "response.headers[content-type]": "text/plain",
      "request.duration": String(15_000_000),
      "request.size": "5",
      "request.total_size": String(5 + byteSize(REQUEST)),
      "response.size": "4",
      "response.total_size": String(4 + byteSize(response)),
      "response.code": "404",
    });
  });

  it("a local response: its status and details, and the gRPC status inferred from it", async () => {
    const { host, plugin } = await start();
    const stream = plugin.newHttpStream();
    stream.requestHeaders([
      [":path", "/"],
      ["x-probe", "attributes"],
    ]);
    stream.sendLocalResponse({
      status: 403,
      details: "denied_here",
      body: new Uint8Array(),
      bodyText: "",
      headers: [],
      grpcStatus: null,
    });
    stream.complete();
    expect(sections(host).named("log")).toMatchObject({
      "response.code": "403",
      "response.code_details": "denied_here",
      "response.grpc_status": "7",
    });
  });

  it("grpc-status comes from the trailers first, then the headers", async () => {
    const { host, plugin } = await start();
    const stream = plugin.newHttpStream();
    stream.requestHeaders(
      [
        [":path", "/pkg.Svc/M"],
        ["x-probe", "attributes"],
      ],
      { endOfStream: true },
    );
    stream.responseHeaders([
      [":status", "200"],
      ["grpc-status", "3"],
    ]);
    stream.responseTrailers([["grpc-status", "5"]]);
    stream.complete();
    expect(sections(host).named("log")).toMatchObject({
      "response.grpc_status": "5",
      "response.trailers[grpc-status]": "5",
      "response.trailers": "{grpc-status:5}",
    });
  });
});

describe("attributes a test sets replace the defaults, typed as Envoy types them", () => {
  it("Host-wide and per-stream values: addresses (ports follow), TLS, node and route metadata, Istio", async () => {
    const host = new Host();
    host.setProperty("source.address", "192.168.1.7:1234");
    host.setProperty(["connection", "tls_version"], "TLSv1.3");
    host.setProperty(["connection", "mtls"], true);
    host.setProperty(["connection", "uri_san_peer_certificate"], "spiffe://cluster.local/ns/a/sa/b");
    host.setProperty(["xds", "node", "metadata"], {
      ROLE: "edge",
      MESH_ID: "mesh1",
      CLUSTER_ID: "c1",
      NAMESPACE: "ns1",
      WORKLOAD_NAME: "w1",
    });
    host.setProperty(
      ["xds", "node", "metadata", "TAGS"],
      [
        ["a", "1"],
        ["b", "2"],
      ],
    );
    host.setProperty(["xds", "node", "metadata", "LABELS"], { app: "shop" });
    host.setProperty(
      ["xds", "node", "client_features"],
      [
        ["envoy.lb.x", ""],
        ["envoy.y", ""],
      ],
    );
    host.setProperty(["xds", "route_metadata", "filter_metadata", "ns"], { k: "route-v", weight: 0.25 });
    host.setProperty(["xds", "listener_direction"], 1n);
    host.setProperty(["filter_state", "downstream_peer"], {
      workload: "client-v1",
      namespace: "shop",
      service: "client",
      cluster: "c2",
    });
    const { plugin } = await start(host);
    const stream = plugin.newHttpStream();
    stream.setProperty(["metadata", "filter_metadata", "ns"], { k: "dyn" });
    stream.setProperty(["filter_state", "raw"], Uint8Array.of(0, 1, 255));
    stream.requestHeaders([
      [":path", "/"],
      ["x-probe", "attributes"],
    ]);
    expect(sections(host).named("request headers")).toMatchObject({
      "source.address": "192.168.1.7:1234",
      "source.port": "1234",
      "source.host": "192.168.1.7",
      "connection.tls_version": "TLSv1.3",
      "connection.mtls": "true",
      "connection.uri_san_peer_certificate": "spiffe://cluster.local/ns/a/sa/b",
      "xds.node.metadata[ROLE]": "edge",
      "xds.node.metadata[TAGS]": "{a:1,b:2}",
      "xds.node.client_features": "envoy.lb.x|envoy.y",
      "xds.route_metadata[ns][k]": "route-v",
      "xds.route_metadata[ns][weight]": "0.25",
      "xds.listener_direction": "1",
      "metadata[ns][k]": "dyn",
      "filter_state[raw]": "0001ff",
      "istio.mesh_id": "mesh1",
      "istio.cluster_id": "c1",
      "istio.namespace": "ns1",
      "istio.workload_name": "w1",
      "istio.labels": "{app:shop}",
      "istio.downstream.workload": "client-v1",
      "istio.downstream.namespace": "shop",
      "istio.downstream.service": "client",
      "istio.downstream.cluster": "c2",
      "istio.upstream.workload": "null",
    });
  });
});

describe("attributes without a default (TLS, failures, metadata) decode when a test sets them", () => {
  it("every getter the defaults leave null reads the value set, typed", async () => {
    const { host, plugin } = await start();
    const stream = plugin.newHttpStream();
    const set: Record<string, string> = {
      "connection.subject_local_certificate": "CN=proxy",
      "connection.subject_peer_certificate": "CN=client",
      "connection.uri_san_local_certificate": "spiffe://a",
      "connection.dns_san_local_certificate": "proxy.local",
      "connection.dns_san_peer_certificate": "client.local",
      "connection.sha256_peer_certificate_digest": "ab12",
      "connection.termination_details": "idle_timeout",
      "connection.transport_failure_reason": "TLS_error",
      "upstream.tls_version": "TLSv1.2",
      "upstream.subject_local_certificate": "CN=p2",
      "upstream.subject_peer_certificate": "CN=up",
      "upstream.uri_san_local_certificate": "spiffe://l",
      "upstream.uri_san_peer_certificate": "spiffe://u",
      "upstream.dns_san_local_certificate": "l.local",
      "upstream.dns_san_peer_certificate": "u.local",
      "upstream.sha256_peer_certificate_digest": "cd34",
      "upstream.transport_failure_reason": "connection refused",
    };
    for (const [k, v] of Object.entries(set)) stream.setProperty(k, v);
    stream.setProperty(["response", "backend_latency"], 1234n);
    stream.setProperty(["xds", "cluster_metadata", "filter_metadata", "ns"], { k: "cluster-v" });
    stream.setProperty(["xds", "virtual_host_metadata", "filter_metadata", "ns"], { k: "vhost-v" });
    stream.setProperty(["xds", "upstream_host_metadata", "filter_metadata", "ns"], { k: "host-v" });
    stream.setProperty(["xds", "listener_metadata", "filter_metadata", "ns"], { k: "listener-v" });
    stream.setProperty(["upstream_filter_state", "raw"], Uint8Array.of(7));
    stream.setProperty(["filter_state", "envoy.string"], "fs");
    stream.setProperty(["filter_state", "upstream_peer"], {
      workload: "server-v2",
      namespace: "db",
      service: "pg",
      cluster: "c3",
    });
    stream.requestHeaders([
      [":path", "/"],
      ["x-probe", "attributes"],
    ]);
    expect(sections(host).named("request headers")).toMatchObject({
      ...set,
      "response.backend_latency": "1234",
      "xds.cluster_metadata[ns][k]": "cluster-v",
      "xds.virtual_host_metadata[ns][k]": "vhost-v",
      "xds.upstream_host_metadata[ns][k]": "host-v",
      "xds.listener_metadata[ns][k]": "listener-v",
      "upstream_filter_state[raw]": "07",
      "filter_state[envoy.string]": "fs",
      "istio.upstream.workload": "server-v2",
      "istio.upstream.namespace": "db",
      "istio.upstream.service": "pg",
      "istio.upstream.cluster": "c3",
    });
  });

  it("the pre-1.29 top-level names are read when the xds ones are missing", async () => {
    const host = new Host();
    // On a plugin context the emulator has no xds.cluster_name or route metadata, so the getters
    // go on to the names older Envoy used.
    host.setProperty("cluster_name", "old-cluster");
    host.setProperty(["route_metadata", "filter_metadata", "ns"], { k: "old-route-v" });
    host.setProperty("listener_direction", 2n);
    await start(host);
    expect(sections(host).named("plugin start")).toMatchObject({
      "xds.cluster_name": "old-cluster",
      "xds.route_metadata[ns][k]": "old-route-v",
      "xds.listener_direction": "2",
    });
  });
});

describe("TCP and plugin contexts", () => {
  it("a TCP connection: sizes and time, no HTTP fields, the upstream once the connection is set up", async () => {
    const { host, plugin } = await start(new Host(), "tcp");
    const conn = plugin.newTcpStream();
    conn.newConnection();
    conn.downstreamData("12345");
    host.advanceTime(2);
    conn.complete();
    const all = sections(host);
    expect(all.named("new connection")).toMatchObject({
      "upstream.address": "null",
      "source.address": "10.0.0.2:52000",
      "connection.id": String(conn.id),
      "request.path": "null",
      "request.time": String(host.startNs),
      "xds.route_name": "null",
    });
    expect(all.named("downstream data")).toMatchObject({
      // Envoy counts a chunk as received before the filters see it.
      "upstream.address": "10.0.0.3:80",
      "request.size": "5",
      "xds.cluster_name": "backend",
      "request.protocol": "null",
    });
    expect(all.named("log")).toMatchObject({ "request.size": "5", "request.duration": String(2_000_000) });
  });

  it("a plugin context: only the plugin's and the node's attributes (Envoy has no stream info there)", async () => {
    const { host } = await start();
    expect(sections(host).named("plugin start")).toMatchObject({
      plugin_name: "attributes-probe",
      plugin_root_id: "probe-root",
      plugin_vm_id: "vm-1",
      "xds.node.id": "envoy-emulator",
      "xds.node.cluster": "proxy-wasm-as",
      "source.address": "null",
      "request.path": "null",
      "connection.id": "-1",
      "xds.cluster_name": "null",
    });
  });
});
