// A filter that reads every typed attribute getter and calls every Envoy foreign-function
// helper, logging "name=value" lines at info level for test/sdk/attributes*.test.ts to read.
// The `x-probe` request header picks what a stream does.
export * from "proxy-wasm-as/assembly/proxy";
import {
  Action, HeaderPair, HttpContext, PluginContext, Status, TcpContext, logInfo, registerPlugin, requestHeaders,
  statusName, getPluginRootId, setPropertyString, getPropertyString, getPluginConfigurationText,
  getRequestPath, getRequestUrlPath, getRequestQuery, getRequestHost, getRequestScheme, getRequestMethod,
  getRequestReferer, getRequestUserAgent, getRequestId, getRequestProtocol, getRequestHeaders, getRequestHeader,
  getRequestTime, getRequestDuration, getRequestSize, getRequestTotalSize, getRequestHeadersBytes,
  getResponseCode, getResponseCodeDetails, getResponseFlags, getResponseGrpcStatus, getResponseHeaders,
  getResponseHeader, getResponseTrailers, getResponseTrailer, getResponseSize, getResponseTotalSize,
  getResponseHeadersBytes, getResponseBackendLatency,
  getConnectionId, getConnectionMtls, getConnectionRequestedServerName, getConnectionTlsVersion,
  getConnectionSubjectLocalCertificate, getConnectionSubjectPeerCertificate, getConnectionUriSanLocalCertificate,
  getConnectionUriSanPeerCertificate, getConnectionDnsSanLocalCertificate, getConnectionDnsSanPeerCertificate,
  getConnectionSha256PeerCertificateDigest, getConnectionTerminationDetails, getConnectionTransportFailureReason,
  getSourceAddress, getSourcePort, getDestinationAddress, getDestinationPort, addressHost,
  getUpstreamAddress, getUpstreamPort, getUpstreamLocalAddress, getUpstreamTransportFailureReason,
  getUpstreamTlsVersion, getUpstreamSubjectLocalCertificate, getUpstreamSubjectPeerCertificate,
  getUpstreamUriSanLocalCertificate, getUpstreamUriSanPeerCertificate, getUpstreamDnsSanLocalCertificate,
  getUpstreamDnsSanPeerCertificate, getUpstreamSha256PeerCertificateDigest, getUpstreamRequestAttemptCount,
  getUpstreamNumEndpoints,
  getNodeId, getNodeCluster, getNodeMetadataValue, getNodeMetadataMap, getClusterName, getRouteName,
  getVirtualHostName, getFilterChainName, getListenerDirection, getRouteMetadataValue, getClusterMetadataValue,
  getVirtualHostMetadataValue, getUpstreamHostMetadataValue, getListenerMetadataValue,
  getPluginName, getPluginVmId, getMetadataValue, getFilterState, getFilterStateString, getUpstreamFilterState,
  getIstioMeshId, getIstioClusterId, getIstioNamespace, getIstioWorkloadName, getIstioLabels,
  getDownstreamPeerWorkload, getDownstreamPeerNamespace, getDownstreamPeerService, getDownstreamPeerCluster,
  getUpstreamPeerWorkload, getUpstreamPeerNamespace, getUpstreamPeerService, getUpstreamPeerCluster,
  getPropertyFloat, getPropertyList,
  clearRouteCache, setEnvoyFilterState, FilterStateLifeSpan, declareProperty, DeclaredPropertyType, compress,
  uncompress, verifySignature, verifySignaturePem, sign, signPem, createExpression, evaluateExpression, evaluateExpressionBool,
  evaluateExpressionInt, evaluateExpressionString, deleteExpression,
} from "proxy-wasm-as/assembly";

function s(name: string, value: string | null): void {
  logInfo(name + "=" + (value === null ? "null" : value));
}

function n(name: string, value: i64): void {
  logInfo(name + "=" + value.toString());
}

function m(name: string, pairs: HeaderPair[] | null): void {
  if (pairs === null) return s(name, null);
  let out = "";
  for (let i = 0; i < pairs.length; i++) out += (i > 0 ? "," : "") + pairs[i].name + ":" + pairs[i].value;
  s(name, "{" + out + "}");
}

function hex(data: ArrayBuffer | null): string {
  if (data === null) return "null";
  let out = "";
  for (let i = 0; i < data.byteLength; i++) {
    const b = load<u8>(changetype<usize>(data) + <usize>i);
    out += (b < 16 ? "0" : "") + b.toString(16);
  }
  return out;
}

function unhex(text: string): ArrayBuffer {
  const out = new ArrayBuffer(text.length / 2);
  for (let i = 0; i < out.byteLength; i++) {
    store<u8>(changetype<usize>(out) + <usize>i, <u8>I32.parseInt(text.substr(i * 2, 2), 16));
  }
  return out;
}

function header(name: string): string {
  const v = requestHeaders.get(name);
  return v === null ? "" : v;
}

function logRequest(): void {
  s("request.path", getRequestPath());
  s("request.url_path", getRequestUrlPath());
  s("request.query", getRequestQuery());
  s("request.host", getRequestHost());
  s("request.scheme", getRequestScheme());
  s("request.method", getRequestMethod());
  s("request.referer", getRequestReferer());
  s("request.useragent", getRequestUserAgent());
  s("request.id", getRequestId());
  s("request.protocol", getRequestProtocol());
  m("request.headers", getRequestHeaders());
  s("request.headers[x-multi]", getRequestHeader("x-multi"));
  n("request.time", getRequestTime());
  n("request.duration", getRequestDuration());
  n("request.size", getRequestSize());
  n("request.total_size", getRequestTotalSize());
  n("request.headers_bytes", getRequestHeadersBytes());
}

function logResponse(): void {
  n("response.code", getResponseCode());
  s("response.code_details", getResponseCodeDetails());
  n("response.flags", getResponseFlags());
  n("response.grpc_status", getResponseGrpcStatus());
  m("response.headers", getResponseHeaders());
  s("response.headers[content-type]", getResponseHeader("content-type"));
  m("response.trailers", getResponseTrailers());
  s("response.trailers[grpc-status]", getResponseTrailer("grpc-status"));
  n("response.size", getResponseSize());
  n("response.total_size", getResponseTotalSize());
  n("response.headers_bytes", getResponseHeadersBytes());
  n("response.backend_latency", getResponseBackendLatency());
}

function logConnection(): void {
  n("connection.id", getConnectionId());
  s("connection.mtls", getConnectionMtls() ? "true" : "false");
  s("connection.requested_server_name", getConnectionRequestedServerName());
  s("connection.tls_version", getConnectionTlsVersion());
  s("connection.subject_local_certificate", getConnectionSubjectLocalCertificate());
  s("connection.subject_peer_certificate", getConnectionSubjectPeerCertificate());
  s("connection.uri_san_local_certificate", getConnectionUriSanLocalCertificate());
  s("connection.uri_san_peer_certificate", getConnectionUriSanPeerCertificate());
  s("connection.dns_san_local_certificate", getConnectionDnsSanLocalCertificate());
  s("connection.dns_san_peer_certificate", getConnectionDnsSanPeerCertificate());
  s("connection.sha256_peer_certificate_digest", getConnectionSha256PeerCertificateDigest());
  s("connection.termination_details", getConnectionTerminationDetails());
  s("connection.transport_failure_reason", getConnectionTransportFailureReason());
  s("source.address", getSourceAddress());
  n("source.port", getSourcePort());
  s("destination.address", getDestinationAddress());
  n("destination.port", getDestinationPort());
  const source = getSourceAddress();
  s("source.host", source === null ? null : addressHost(source));
}

function logUpstream(): void {
  s("upstream.address", getUpstreamAddress());
  n("upstream.port", getUpstreamPort());
  s("upstream.local_address", getUpstreamLocalAddress());
  s("upstream.transport_failure_reason", getUpstreamTransportFailureReason());
  s("upstream.tls_version", getUpstreamTlsVersion());
  s("upstream.subject_local_certificate", getUpstreamSubjectLocalCertificate());
  s("upstream.subject_peer_certificate", getUpstreamSubjectPeerCertificate());
  s("upstream.uri_san_local_certificate", getUpstreamUriSanLocalCertificate());
  s("upstream.uri_san_peer_certificate", getUpstreamUriSanPeerCertificate());
  s("upstream.dns_san_local_certificate", getUpstreamDnsSanLocalCertificate());
  s("upstream.dns_san_peer_certificate", getUpstreamDnsSanPeerCertificate());
  s("upstream.sha256_peer_certificate_digest", getUpstreamSha256PeerCertificateDigest());
  n("upstream.request_attempt_count", getUpstreamRequestAttemptCount());
  n("upstream.num_endpoints", getUpstreamNumEndpoints());
}

function logXds(): void {
  s("xds.node.id", getNodeId());
  s("xds.node.cluster", getNodeCluster());
  s("xds.node.metadata[ROLE]", getNodeMetadataValue("ROLE"));
  m("xds.node.metadata[TAGS]", getNodeMetadataMap("TAGS"));
  s("xds.cluster_name", getClusterName());
  s("xds.route_name", getRouteName());
  s("xds.virtual_host_name", getVirtualHostName());
  s("xds.filter_chain_name", getFilterChainName());
  n("xds.listener_direction", getListenerDirection());
  s("xds.route_metadata[ns][k]", getRouteMetadataValue("ns", "k"));
  s("xds.cluster_metadata[ns][k]", getClusterMetadataValue("ns", "k"));
  s("xds.virtual_host_metadata[ns][k]", getVirtualHostMetadataValue("ns", "k"));
  s("xds.upstream_host_metadata[ns][k]", getUpstreamHostMetadataValue("ns", "k"));
  s("xds.listener_metadata[ns][k]", getListenerMetadataValue("ns", "k"));
  logInfo("xds.route_metadata[ns][weight]=" + getPropertyFloat(["xds", "route_metadata", "filter_metadata", "ns", "weight"], -1).toString());
  const features = getPropertyList(["xds", "node", "client_features"]);
  s("xds.node.client_features", features === null ? null : features.join("|"));
}

function logWasmAndMetadata(): void {
  s("plugin_name", getPluginName());
  s("plugin_root_id", getPluginRootId());
  s("plugin_vm_id", getPluginVmId());
  s("metadata[ns][k]", getMetadataValue("ns", "k"));
  s("filter_state[envoy.string]", getFilterStateString("envoy.string"));
  s("filter_state[raw]", hex(getFilterState("raw")));
  s("upstream_filter_state[raw]", hex(getUpstreamFilterState("raw")));
}

function logIstio(): void {
  s("istio.mesh_id", getIstioMeshId());
  s("istio.cluster_id", getIstioClusterId());
  s("istio.namespace", getIstioNamespace());
  s("istio.workload_name", getIstioWorkloadName());
  m("istio.labels", getIstioLabels());
  s("istio.downstream.workload", getDownstreamPeerWorkload());
  s("istio.downstream.namespace", getDownstreamPeerNamespace());
  s("istio.downstream.service", getDownstreamPeerService());
  s("istio.downstream.cluster", getDownstreamPeerCluster());
  s("istio.upstream.workload", getUpstreamPeerWorkload());
  s("istio.upstream.namespace", getUpstreamPeerNamespace());
  s("istio.upstream.service", getUpstreamPeerService());
  s("istio.upstream.cluster", getUpstreamPeerCluster());
}

function logAll(): void {
  logRequest();
  logResponse();
  logConnection();
  logUpstream();
  logXds();
  logWasmAndMetadata();
  logIstio();
}

class AttributesStream extends HttpContext {
  scenario: string = "";

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    this.scenario = header("x-probe");
    const scenario = this.scenario;
    if (scenario == "attributes") {
      logInfo("-- request headers");
      logAll();
    } else if (scenario == "compress") {
      const packed = compress(String.UTF8.encode(header("x-data")));
      s("compress.status", statusName(packed.status));
      s("compress.bytes", hex(packed.results));
      if (packed.status == Status.Ok) {
        const unpacked = uncompress(<ArrayBuffer>packed.results);
        s("uncompress.status", statusName(unpacked.status));
        s("uncompress.text", unpacked.results === null ? null : String.UTF8.decode(<ArrayBuffer>unpacked.results));
      }
      s("uncompress.garbage", statusName(uncompress(String.UTF8.encode("not zlib")).status));
    } else if (scenario == "signature") {
      const check = verifySignature(header("x-hash"), unhex(header("x-key")), unhex(header("x-sig")),
        String.UTF8.encode(header("x-text")));
      s("verify.status", statusName(check.status));
      s("verify.valid", check.valid ? "true" : "false");
      s("verify.error", check.error);
      const pem = verifySignaturePem(header("x-hash"), header("x-pem").replaceAll("|", "\n"), unhex(header("x-sig")),
        String.UTF8.encode(header("x-text")));
      s("verify_pem.status", statusName(pem.status));
      s("verify_pem.valid", pem.valid ? "true" : "false");
    } else if (scenario == "sign") {
      const signed = sign(header("x-hash"), unhex(header("x-key")), String.UTF8.encode(header("x-text")));
      s("sign.status", statusName(signed.status));
      s("sign.signature", hex(signed.signature));
      s("sign.error", signed.error);
      const pem = signPem(header("x-hash"), header("x-pem").replaceAll("|", "\n"), String.UTF8.encode(header("x-text")));
      s("sign_pem.status", statusName(pem.status));
      s("sign_pem.signature", hex(pem.signature));
    } else if (scenario == "filter-state") {
      s("set_envoy_filter_state.status", statusName(setEnvoyFilterState(header("x-key"), header("x-value"),
        FilterStateLifeSpan.DownstreamRequest)));
      s("filter_state", getFilterStateString(header("x-key")));
    } else if (scenario == "declared") {
      s("set.first", statusName(setPropertyString([header("x-name")], "one")));
      s("set.second", statusName(setPropertyString([header("x-name")], "two")));
      s("value", getPropertyString([header("x-name")]));
    } else if (scenario == "route-cache") {
      s("clear_route_cache.status", statusName(clearRouteCache()));
    } else if (scenario == "cel") {
      const expr = createExpression(header("x-expr"));
      s("expr_create.status", statusName(expr.status));
      if (expr.status == Status.Ok) {
        const value = evaluateExpression(expr.token);
        s("expr_evaluate.status", statusName(value.status));
        s("expr_evaluate.bytes", hex(value.results));
        s("expr_evaluate.bool", evaluateExpressionBool(expr.token) ? "true" : "false");
        n("expr_evaluate.int", evaluateExpressionInt(expr.token));
        s("expr_evaluate.string", evaluateExpressionString(expr.token));
        s("expr_delete.status", statusName(deleteExpression(expr.token)));
        s("expr_evaluate.deleted", statusName(evaluateExpression(expr.token).status));
      }
    }
    return Action.Continue;
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): Action {
    if (this.scenario == "attributes") {
      logInfo("-- response headers");
      logAll();
    }
    return Action.Continue;
  }

  onLog(): void {
    if (this.scenario == "attributes") {
      logInfo("-- log");
      logAll();
    }
  }
}

class AttributesConnection extends TcpContext {
  constructor(id: u32, private cluster: string) { super(id); }

  onNewConnection(): Action {
    logInfo("-- new connection");
    logAll();
    // Configuration "tcp:NAME": route the connection to cluster NAME, as Envoy's TCP proxy reads it.
    if (this.cluster.length > 0) s("set_envoy_filter_state.cluster", statusName(setEnvoyFilterState("envoy.tcp_proxy.cluster", this.cluster)));
    return Action.Continue;
  }

  onDownstreamData(dataSize: usize, endOfStream: bool): Action {
    logInfo("-- downstream data");
    logAll();
    return Action.Continue;
  }

  onLog(): void {
    logInfo("-- log");
    logAll();
  }
}

class AttributesPlugin extends PluginContext {
  tcp: bool = false;
  cluster: string = "";

  onPluginStart(configurationSize: usize): bool {
    const configuration = getPluginConfigurationText();
    this.tcp = configuration.startsWith("tcp");
    if (configuration.startsWith("tcp:")) this.cluster = configuration.substring(4);
    logInfo("-- plugin start");
    logAll();
    s("declare_property.first", statusName(declareProperty("probe_state", DeclaredPropertyType.String, true,
      FilterStateLifeSpan.DownstreamRequest)));
    s("declare_property.again", statusName(declareProperty("probe_state")));
    s("set_envoy_filter_state.plugin", statusName(setEnvoyFilterState("envoy.string", "x")));
    return true;
  }

  // Configuration "tcp": the plugin serves TCP connections instead of HTTP streams.
  newTcpContext(contextId: u32): TcpContext | null {
    return this.tcp ? new AttributesConnection(contextId, this.cluster) : null;
  }

  newHttpContext(contextId: u32): HttpContext { return new AttributesStream(contextId); }
}

registerPlugin((contextId: u32): PluginContext => new AttributesPlugin(contextId));
