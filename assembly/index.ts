// proxy-wasm-as: the public API for filters. A filter's entry file also needs
//   export * from "proxy-wasm-as/assembly/proxy";
// so that the ABI callbacks become the module's exports.

export { Action, Status, LogLevel, BufferType, MapType, PeerType, StreamType, MetricType, statusName } from "./types";

// Contexts and registration
export { Context } from "./context/context";
export { VMContext } from "./context/vm";
export { PluginContext } from "./context/plugin";
export { HttpContext } from "./context/http";
export { TcpContext } from "./context/tcp";
export { registerPlugin, setVMContext } from "./dispatcher";
export { registerPluginForRootId } from "./root-ids";
export { setEffectiveContext, pluginDone } from "./lifecycle";

// Headers, bodies, stream control
export { HeaderPair } from "./runtime/pairs";
export {
  HeaderMap, requestHeaders, requestTrailers, responseHeaders, responseTrailers,
  httpCallResponseHeaders, httpCallResponseTrailers, grpcInitialMetadata, grpcTrailingMetadata,
} from "./headers";
export {
  HostBuffer, requestBody, responseBody, downstreamData, upstreamData, httpCallResponseBody,
  grpcMessage, vmConfiguration, pluginConfiguration, foreignFunctionArguments,
} from "./buffers";
export {
  sendLocalResponse, sendLocalResponseText, NO_GRPC_STATUS, continueRequest, continueResponse,
  continueDownstream, continueUpstream, closeRequest, closeResponse, closeDownstream, closeUpstream,
  continueStream, closeStream,
} from "./stream";

// Calls
export { CallResult } from "./call-result";
export { dispatchHttpCall, getCallStatus, CallStatus } from "./http-call";
export { dispatchGrpcCall, openGrpcStream, grpcSend, grpcCancel, grpcClose } from "./grpc";

// State, metrics, properties, time, logging, configuration
export { getSharedData, setSharedData, SharedDataValue } from "./shared-data";
export { getSharedCounter, setSharedCounter, incrementSharedCounter, SharedCounterValue } from "./shared-counter";
export { getSharedText, setSharedText, SharedTextValue } from "./shared-text";
export { registerSharedQueue, resolveSharedQueue, enqueueSharedQueue, dequeueSharedQueue, QueueResult, QueueItem } from "./shared-queue";
export { Counter, Gauge, Histogram, MetricTag, metricName } from "./metrics";
export {
  getProperty, getPluginRootId, getPropertyString, getPropertyInt, getPropertyBool, getPropertyMap,
  setProperty, setPropertyString, encodePropertyPath, getPropertyFloat, getPropertyList,
} from "./properties";

// Envoy's and Istio's attributes, typed (one family per file)
export {
  getRequestPath, getRequestUrlPath, getRequestQuery, getRequestHost, getRequestScheme, getRequestMethod,
  getRequestReferer, getRequestUserAgent, getRequestId, getRequestProtocol, getRequestHeaders, getRequestHeader,
  getRequestTime, getRequestDuration, getRequestSize, getRequestTotalSize, getRequestHeadersBytes,
} from "./attributes/request";
export {
  getResponseCode, getResponseCodeDetails, getResponseFlags, getResponseGrpcStatus, getResponseHeaders,
  getResponseHeader, getResponseTrailers, getResponseTrailer, getResponseSize, getResponseTotalSize,
  getResponseHeadersBytes, getResponseBackendLatency,
} from "./attributes/response";
export {
  getConnectionId, getConnectionMtls, getConnectionRequestedServerName, getConnectionTlsVersion,
  getConnectionSubjectLocalCertificate, getConnectionSubjectPeerCertificate, getConnectionUriSanLocalCertificate,
  getConnectionUriSanPeerCertificate, getConnectionDnsSanLocalCertificate, getConnectionDnsSanPeerCertificate,
  getConnectionSha256PeerCertificateDigest, getConnectionTerminationDetails, getConnectionTransportFailureReason,
} from "./attributes/connection";
export { getSourceAddress, getSourcePort, getDestinationAddress, getDestinationPort, addressHost } from "./attributes/peer";
export {
  getUpstreamAddress, getUpstreamPort, getUpstreamLocalAddress, getUpstreamTransportFailureReason,
  getUpstreamTlsVersion, getUpstreamSubjectLocalCertificate, getUpstreamSubjectPeerCertificate,
  getUpstreamUriSanLocalCertificate, getUpstreamUriSanPeerCertificate, getUpstreamDnsSanLocalCertificate,
  getUpstreamDnsSanPeerCertificate, getUpstreamSha256PeerCertificateDigest, getUpstreamRequestAttemptCount,
  getUpstreamNumEndpoints,
} from "./attributes/upstream";
export {
  getXdsProperty, getNodeId, getNodeCluster, getNodeMetadataValue, getNodeMetadataMap, getClusterName,
  getRouteName, getVirtualHostName, getFilterChainName, getListenerDirection, getRouteMetadataValue,
  getClusterMetadataValue, getVirtualHostMetadataValue, getUpstreamHostMetadataValue, getListenerMetadataValue,
} from "./attributes/xds";
export { getPluginName, getPluginVmId } from "./attributes/wasm";
export { getMetadataValue, getFilterState, getFilterStateString, getUpstreamFilterState } from "./attributes/metadata";
export {
  getIstioMeshId, getIstioClusterId, getIstioNamespace, getIstioWorkloadName, getIstioLabels, getDownstreamPeer,
  getUpstreamPeer, getDownstreamPeerWorkload, getDownstreamPeerNamespace, getDownstreamPeerService,
  getDownstreamPeerCluster, getUpstreamPeerWorkload, getUpstreamPeerNamespace, getUpstreamPeerService,
  getUpstreamPeerCluster,
} from "./attributes/istio";
export {
  getCurrentTimeNanoseconds, getCurrentTimeMilliseconds, getMonotonicTimeNanoseconds, setTickPeriodMilliseconds,
} from "./time";
export { log, logBytes, logTrace, logDebug, logInfo, logWarn, logError, logCritical, getLogLevel } from "./log";
export { callForeignFunction, ForeignCallResult } from "./foreign-function";
// Envoy's foreign functions, typed
export { clearRouteCache } from "./foreign/route-cache";
export { setEnvoyFilterState, FilterStateLifeSpan } from "./foreign/filter-state";
export { declareProperty, DeclaredPropertyType } from "./foreign/declare-property";
export { compress, uncompress } from "./foreign/compression";
export { verifySignature, verifySignaturePem, SignatureCheck, sign, signPem, SignResult } from "./foreign/signature";
export {
  createExpression, evaluateExpression, evaluateExpressionBool, evaluateExpressionInt, evaluateExpressionString,
  deleteExpression, Expression,
} from "./foreign/cel";
export { JsonValue, JsonKind, JsonResult, parseJson, parseJsonString } from "./json";
export { joinStrings, asciiLowerCase, asciiUpperCaseBytes } from "./text";
export {
  getPluginConfiguration, getVmConfiguration, getPluginConfigurationText, getVmConfigurationText,
  getPluginConfigurationJson, getVmConfigurationJson,
} from "./configuration";
// Per-route configuration (Higress's `_rules_` layout)
export { RouteRules, parseRouteRules } from "./route-rules";
