// The attributes Envoy gives a filter (its "attributes" reference; what
// source/extensions/filters/common/expr/context.cc computes and the Wasm context adds), derived
// from the emulated stream or connection, with Envoy-shaped defaults for what a test cannot
// drive (addresses, node, cluster, route). Values keep Envoy's types so they serialize as
// Envoy's `serializeValue` does (host/wasm/attribute-value.ts).
//
// Precedence, per context: a value the test or filter set on the stream > what the stream
// itself says (request.path is the :path the test sent) > a value set on the plugin or the Host
// > the default here. So `host.setProperty("source.address", ...)` replaces the default for
// every stream, and `stream.setProperty(...)` for one.
import {
  type AttributeKind,
  type AttributeValue,
  bool,
  bytes,
  duration,
  encodeAttribute,
  int,
  map,
  str,
  timestamp,
  uint,
} from "../wasm/attribute-value.js";
import type { Pair } from "../wasm/pairs.js";
import { type Found, REMOVED } from "./properties.js";
import { MessageWriter } from "../wasm/protobuf.js";

/** The defaults used when nothing else says otherwise (docs/testing.md lists them). */
export const ENVOY_DEFAULTS = {
  sourceAddress: "10.0.0.2:52000",
  destinationAddress: "10.0.0.1:8080",
  upstreamAddress: "10.0.0.3:80",
  upstreamLocalAddress: "10.0.0.1:40000",
  protocol: "HTTP/1.1",
  clusterName: "backend",
  routeName: "default",
  virtualHostName: "default",
  nodeId: "envoy-emulator",
  nodeCluster: "proxy-wasm-as",
  listenerDirection: 0, // envoy.config.core.v3.TrafficDirection: UNSPECIFIED
} as const;

/**
 * The type of each attribute as Envoy serializes it. Paths below a map (request.headers.NAME)
 * or a message (xds.route_metadata...) are not listed: their type depends on the data.
 */
export const ATTRIBUTE_KINDS: Record<string, AttributeKind> = {
  "request.path": "string",
  "request.url_path": "string",
  "request.host": "string",
  "request.scheme": "string",
  "request.method": "string",
  "request.headers": "map",
  "request.referer": "string",
  "request.useragent": "string",
  "request.time": "timestamp",
  "request.id": "string",
  "request.protocol": "string",
  "request.query": "string",
  "request.duration": "duration",
  "request.size": "int",
  "request.total_size": "int",
  "request.headers_bytes": "int",
  "response.code": "int",
  "response.code_details": "string",
  "response.flags": "int",
  "response.grpc_status": "int",
  "response.headers": "map",
  "response.trailers": "map",
  "response.size": "int",
  "response.total_size": "int",
  "response.headers_bytes": "int",
  "source.address": "string",
  "source.port": "int",
  "destination.address": "string",
  "destination.port": "int",
  "connection.id": "uint",
  "connection.mtls": "bool",
  "connection.requested_server_name": "string",
  "connection.tls_version": "string",
  "connection.subject_local_certificate": "string",
  "connection.subject_peer_certificate": "string",
  "connection.uri_san_local_certificate": "string",
  "connection.uri_san_peer_certificate": "string",
  "connection.dns_san_local_certificate": "string",
  "connection.dns_san_peer_certificate": "string",
  "connection.sha256_peer_certificate_digest": "string",
  "connection.termination_details": "string",
  "connection.transport_failure_reason": "string",
  "upstream.address": "string",
  "upstream.port": "int",
  "upstream.local_address": "string",
  "upstream.transport_failure_reason": "string",
  "upstream.tls_version": "string",
  "upstream.subject_local_certificate": "string",
  "upstream.subject_peer_certificate": "string",
  "upstream.uri_san_local_certificate": "string",
  "upstream.uri_san_peer_certificate": "string",
  "upstream.dns_san_local_certificate": "string",
  "upstream.dns_san_peer_certificate": "string",
  "upstream.sha256_peer_certificate_digest": "string",
  "upstream.request_attempt_count": "uint",
  "upstream.num_endpoints": "uint",
  "xds.node": "bytes",
  "xds.node.id": "string",
  "xds.node.cluster": "string",
  "xds.node.user_agent_name": "string",
  "xds.cluster_name": "string",
  "xds.cluster_metadata": "bytes",
  "xds.route_name": "string",
  "xds.route_metadata": "bytes",
  "xds.virtual_host_name": "string",
  "xds.virtual_host_metadata": "bytes",
  "xds.upstream_host_metadata": "bytes",
  "xds.listener_metadata": "bytes",
  "xds.listener_direction": "int",
  "xds.filter_chain_name": "string",
  metadata: "bytes",
  plugin_name: "string",
  plugin_root_id: "string",
  plugin_vm_id: "string",
  connection_id: "uint",
};

/**
 * What the test or filter set for a key on this context or one above it (plugin, Host):
 * a value, REMOVED (the test took it away: no default either), or undefined.
 */
export type Inherited = (key: string) => Found;

/** The facts of an HTTP stream the attributes come from. */
export interface HttpStreamFacts {
  contextId: number;
  startNs: bigint;
  nowNs: bigint;
  /**
   * The maps as Envoy's context points at them now: a map from its arrival until its callback
   * returned CONTINUE (or the stream was continued), the access log's in proxy_on_log; null
   * otherwise. Header-derived attributes (request.path, response.headers[...]) read these.
   */
  requestHeaders: readonly Pair[] | null;
  responseHeaders: readonly Pair[] | null;
  responseTrailers: readonly Pair[] | null;
  /** The response's :status, kept in the stream info once the response headers passed. */
  responseStatus: string | undefined;
  /** Request body bytes received from the client so far. */
  requestBodyBytes: number;
  /** Response body bytes sent to the client so far. */
  responseBodyBytes: number;
  /** The request headers left the filter, so the router has picked an upstream host. */
  requestForwarded: boolean;
  /** The response headers came from the upstream (not a local response). */
  upstreamResponded: boolean;
  localResponse: { status: number; details: string } | null;
  reset: boolean;
  /** proxy_on_done / on_log / on_delete ran or run now: the request is complete. */
  complete: boolean;
}

/** The facts of a TCP connection the attributes come from. */
export interface TcpConnectionFacts {
  contextId: number;
  startNs: bigint;
  nowNs: bigint;
  bytesReceived: number;
  bytesSent: number;
  /** proxy_on_new_connection returned, so the TCP proxy has picked its upstream. */
  upstreamChosen: boolean;
  /** Filter state envoy.tcp_proxy.cluster as it was when the TCP proxy picked its cluster. */
  tcpProxyCluster: Uint8Array | undefined;
  complete: boolean;
}

/** The facts of a plugin (root) context: Envoy has no stream info there, only the plugin and node. */
export interface PluginFacts {
  name: string;
  rootId: string;
  vmId: string;
}

/** "a.b" → "a\0b", remembered: the switches below compute a key per case on every lookup. */
const keys = new Map<string, string>();
const key = (dotted: string): string => {
  let k = keys.get(dotted);
  if (k === undefined) {
    k = dotted.replaceAll(".", "\0");
    keys.set(dotted, k);
  }
  return k;
};
const EMPTY_MESSAGE = new Uint8Array(0);

// ---- encoding -----------------------------------------------------------------------------

function out(v: AttributeValue | undefined): Uint8Array | undefined {
  return v === undefined ? undefined : encodeAttribute(v);
}

/** Envoy's HeaderMap::byteSize: the sum of every name and value length. */
function byteSize(headers: readonly Pair[] | null): number {
  let n = 0;
  if (headers) for (const [k, v] of headers) n += Buffer.byteLength(k) + Buffer.byteLength(v);
  return n;
}

/** All values of a header joined by "," (Envoy's getAllOfHeaderAsString), or undefined. */
function headerValue(headers: readonly Pair[] | null, name: string): string | undefined {
  if (!headers) return undefined;
  const values = headers.filter(([k]) => k === name).map(([, v]) => v);
  return values.length === 0 ? undefined : values.join(",");
}

/** A header map as CEL sees it: one entry per name, repeated values joined by ",". */
function headersMap(headers: readonly Pair[] | null): AttributeValue {
  const names: string[] = [];
  for (const [k] of headers ?? []) if (!names.includes(k)) names.push(k);
  return map(names.map((n): Pair => [n, headerValue(headers, n)!]));
}

function portOf(address: string): number | undefined {
  const m = /:(\d+)$/.exec(address);
  return m ? Number(m[1]) : undefined;
}

function text(data: Uint8Array | undefined): string | undefined {
  return data === undefined ? undefined : new TextDecoder().decode(data);
}

/** An address set or removed for `k`, else the default; undefined when it was removed. */
function addressOr(found: Found, fallback: string): string | undefined {
  return found === REMOVED ? undefined : (text(found) ?? fallback);
}

/** The text set for `k`, else the default (a removed one falls back too: it is part of a message). */
function textOr(found: Found, fallback: string): string {
  return found === REMOVED ? fallback : (text(found) ?? fallback);
}

/** The Node message (envoy.config.core.v3.Node: id = 1, cluster = 2, user_agent_name = 6). */
function nodeMessage(id: string, cluster: string): Uint8Array {
  return new MessageWriter().bytes(1, id).bytes(2, cluster).bytes(6, "envoy").finish();
}

// ---- plugin -------------------------------------------------------------------------------

/** Attributes of a plugin context (and, through it, of every stream of the plugin). */
export function pluginAttribute(k: string, facts: PluginFacts, inherited: Inherited): Found {
  switch (k) {
    case "plugin_name":
      return out(str(facts.name));
    case "plugin_root_id":
      return out(str(facts.rootId));
    case "plugin_vm_id":
      return out(str(facts.vmId));
  }
  const set = inherited(k);
  if (set !== undefined) return set;
  switch (k) {
    case key("xds.node"): {
      const id = textOr(inherited(key("xds.node.id")), ENVOY_DEFAULTS.nodeId);
      const cluster = textOr(inherited(key("xds.node.cluster")), ENVOY_DEFAULTS.nodeCluster);
      return out(bytes(nodeMessage(id, cluster)));
    }
    case key("xds.node.id"):
      return out(str(ENVOY_DEFAULTS.nodeId));
    case key("xds.node.cluster"):
      return out(str(ENVOY_DEFAULTS.nodeCluster));
    case key("xds.node.user_agent_name"):
      return out(str("envoy"));
  }
  return undefined;
}

// ---- what streams and connections share -----------------------------------------------------

/** Attributes of the downstream connection and the listener, for HTTP streams and TCP connections. */
function connectionAttribute(k: string, contextId: number, inherited: Inherited): Found {
  const set = inherited(k);
  if (set !== undefined) return set;
  switch (k) {
    case key("source.address"):
      return out(str(ENVOY_DEFAULTS.sourceAddress));
    case key("destination.address"):
      return out(str(ENVOY_DEFAULTS.destinationAddress));
    case key("source.port"):
    case key("destination.port"): {
      const address = addressOr(
        inherited(k.replace("port", "address")),
        k.startsWith("source") ? ENVOY_DEFAULTS.sourceAddress : ENVOY_DEFAULTS.destinationAddress,
      );
      const port = address === undefined ? undefined : portOf(address);
      return port === undefined ? undefined : out(int(port));
    }
    case key("connection.id"):
    case "connection_id":
      return out(uint(contextId));
    case key("connection.mtls"):
      return out(bool(false));
    case key("connection.requested_server_name"):
      return out(str(""));
    case key("xds.listener_direction"):
      return out(int(ENVOY_DEFAULTS.listenerDirection));
    case key("xds.listener_metadata"):
    case "metadata":
      return out(bytes(EMPTY_MESSAGE));
    case key("xds.filter_chain_name"):
      return out(str(""));
  }
  // connection.tls_version and the certificate fields exist only on a TLS connection: absent
  // unless a test sets them. So do termination_details and transport_failure_reason.
  return undefined;
}

/** upstream.* once an upstream host is chosen. */
function upstreamAttribute(k: string, inherited: Inherited): Found {
  const set = inherited(k);
  if (set !== undefined) return set;
  switch (k) {
    case key("upstream.address"):
      return out(str(ENVOY_DEFAULTS.upstreamAddress));
    case key("upstream.port"): {
      const address = addressOr(inherited(key("upstream.address")), ENVOY_DEFAULTS.upstreamAddress);
      const port = address === undefined ? undefined : portOf(address);
      return port === undefined ? undefined : out(int(port));
    }
    case key("upstream.local_address"):
      return out(str(ENVOY_DEFAULTS.upstreamLocalAddress));
    case key("upstream.transport_failure_reason"):
      return out(str(""));
    case key("upstream.num_endpoints"):
      return out(uint(1));
    case key("xds.upstream_host_metadata"):
      return out(bytes(EMPTY_MESSAGE));
  }
  return undefined;
}

// ---- HTTP ---------------------------------------------------------------------------------

/** An attribute of an HTTP stream, or undefined (Envoy: NOT_FOUND). */
export function httpAttribute(k: string, f: HttpStreamFacts, inherited: Inherited): Found {
  const own = httpStreamValue(k, f);
  if (own !== undefined) return out(own);
  if (k.startsWith("upstream\0") || k === key("xds.upstream_host_metadata")) {
    if (k === key("upstream.request_attempt_count")) return inherited(k) ?? out(uint(f.requestForwarded ? 1 : 0));
    // The cluster is known from route selection on, before a host is picked.
    if (k === key("upstream.num_endpoints")) return inherited(k) ?? out(uint(1));
    return f.requestForwarded ? upstreamAttribute(k, inherited) : inherited(k);
  }
  const set = inherited(k);
  if (set !== undefined) return set;
  switch (k) {
    case key("request.protocol"):
      return out(str(ENVOY_DEFAULTS.protocol));
    case key("xds.cluster_name"):
      return out(str(ENVOY_DEFAULTS.clusterName));
    case key("xds.route_name"):
      return out(str(ENVOY_DEFAULTS.routeName));
    case key("xds.virtual_host_name"):
      return out(str(ENVOY_DEFAULTS.virtualHostName));
    case key("xds.cluster_metadata"):
    case key("xds.route_metadata"):
    case key("xds.virtual_host_metadata"):
      return out(bytes(EMPTY_MESSAGE));
  }
  return connectionAttribute(k, f.contextId, inherited);
}

function httpStreamValue(k: string, f: HttpStreamFacts): AttributeValue | undefined {
  const rq = f.requestHeaders,
    rs = f.responseHeaders,
    rt = f.responseTrailers;
  const header = (name: string) => {
    const v = headerValue(rq, name);
    return v === undefined ? undefined : str(v);
  };
  // Envoy looks a name up lower-cased (LowerCaseString), as header maps store it.
  const sub = (map: readonly Pair[] | null, name: string) => {
    const v = headerValue(
      map,
      name.replace(/[A-Z]/g, (c) => c.toLowerCase()),
    );
    return v === undefined ? undefined : str(v);
  };
  if (k.startsWith("request\0headers\0")) return sub(rq, k.slice(16));
  if (k.startsWith("response\0headers\0")) return sub(rs, k.slice(17));
  if (k.startsWith("response\0trailers\0")) return sub(rt, k.slice(18));
  const path = headerValue(rq, ":path");
  switch (k) {
    case key("request.path"):
      return header(":path");
    case key("request.url_path"):
      return path === undefined ? (rq ? str("") : undefined) : str(path.split("?")[0]);
    case key("request.query"): {
      if (!rq) return undefined;
      const q = (path ?? "").indexOf("?");
      return str(q < 0 ? "" : path!.slice(q + 1).split("#")[0]);
    }
    case key("request.host"):
      return header(":authority");
    case key("request.scheme"):
      return header(":scheme");
    case key("request.method"):
      return header(":method");
    case key("request.referer"):
      return header("referer");
    case key("request.useragent"):
      return header("user-agent");
    case key("request.id"):
      return header("x-request-id");
    case key("request.headers"):
      return headersMap(rq);
    case key("request.headers_bytes"):
      return int(byteSize(rq));
    case key("request.time"):
      return timestamp(f.startNs);
    case key("request.duration"):
      return f.complete ? duration(f.nowNs - f.startNs) : undefined;
    case key("request.size"): {
      const length = headerValue(rq, "content-length");
      if (length === undefined) return int(f.requestBodyBytes);
      return /^\d+$/.test(length) ? int(BigInt(length)) : undefined; // Envoy: invalid length → absent
    }
    case key("request.total_size"):
      return int(f.requestBodyBytes + byteSize(rq));
    case key("response.code"):
      return responseCode(f) === undefined ? undefined : int(responseCode(f)!);
    case key("response.code_details"):
      if (f.localResponse) return str(f.localResponse.details);
      if (f.reset) return str("wasm_close_stream");
      return f.upstreamResponded ? str("via_upstream") : undefined;
    case key("response.flags"):
      return int(0);
    case key("response.grpc_status"):
      return grpcStatus(f);
    case key("response.headers"):
      return headersMap(rs);
    case key("response.trailers"):
      return headersMap(rt);
    case key("response.headers_bytes"):
      return int(byteSize(rs));
    case key("response.size"):
      return int(f.responseBodyBytes);
    case key("response.total_size"):
      return int(f.responseBodyBytes + byteSize(rs) + byteSize(rt));
  }
  return undefined;
}

function responseCode(f: HttpStreamFacts): number | undefined {
  if (f.localResponse) return f.localResponse.status;
  const status = f.upstreamResponded ? f.responseStatus : undefined;
  return status !== undefined && /^\d+$/.test(status) ? Number(status) : undefined;
}

/** Envoy's Grpc::Common::getGrpcStatus: trailers, then headers, then inferred from the HTTP code. */
function grpcStatus(f: HttpStreamFacts): AttributeValue | undefined {
  for (const map of [f.responseTrailers, f.responseHeaders]) {
    const v = headerValue(map, "grpc-status");
    if (v !== undefined && /^\d+$/.test(v)) return int(Number(v));
  }
  const code = responseCode(f);
  if (code === undefined) return undefined;
  const inferred: Record<number, number> = { 400: 13, 401: 16, 403: 7, 404: 12, 429: 14, 502: 14, 503: 14, 504: 14 };
  return int(inferred[code] ?? 2);
}

// ---- TCP ----------------------------------------------------------------------------------

/** An attribute of a TCP connection, or undefined (Envoy: NOT_FOUND). */
export function tcpAttribute(k: string, f: TcpConnectionFacts, inherited: Inherited): Found {
  // The request/response wrappers exist without HTTP headers: sizes and time only.
  switch (k) {
    case key("request.time"):
      return out(timestamp(f.startNs));
    case key("request.duration"):
      return f.complete ? out(duration(f.nowNs - f.startNs)) : undefined;
    case key("request.size"):
    case key("request.total_size"):
      return out(int(f.bytesReceived));
    case key("request.headers_bytes"):
    case key("response.headers_bytes"):
    case key("response.flags"):
      return out(int(0));
    case key("request.headers"):
    case key("response.headers"):
    case key("response.trailers"):
      return out(map([]));
    case key("response.size"):
    case key("response.total_size"):
      return out(int(f.bytesSent));
  }
  if (k.startsWith("request\0") || k.startsWith("response\0")) return undefined;
  if (
    k.startsWith("upstream\0") ||
    k === key("xds.upstream_host_metadata") ||
    k === key("xds.cluster_name") ||
    k === key("xds.cluster_metadata")
  ) {
    if (k === key("upstream.request_attempt_count")) return inherited(k) ?? out(uint(0));
    if (!f.upstreamChosen) return inherited(k);
    // Envoy's TCP proxy routes to the cluster named in filter state envoy.tcp_proxy.cluster.
    if (k === key("xds.cluster_name")) {
      return inherited(k) ?? f.tcpProxyCluster ?? out(str(ENVOY_DEFAULTS.clusterName));
    }
    if (k === key("xds.cluster_metadata")) return inherited(k) ?? out(bytes(EMPTY_MESSAGE));
    return upstreamAttribute(k, inherited);
  }
  return connectionAttribute(k, f.contextId, inherited);
}
