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
  setProperty, setPropertyString, encodePropertyPath,
} from "./properties";
export {
  getCurrentTimeNanoseconds, getCurrentTimeMilliseconds, getMonotonicTimeNanoseconds, setTickPeriodMilliseconds,
} from "./time";
export { log, logTrace, logDebug, logInfo, logWarn, logError, logCritical, getLogLevel } from "./log";
export { callForeignFunction, ForeignCallResult } from "./foreign-function";
export { JsonValue, JsonKind, JsonResult, parseJson, parseJsonString } from "./json";
export { joinStrings, asciiLowerCase } from "./text";
export {
  getPluginConfiguration, getVmConfiguration, getPluginConfigurationText, getVmConfigurationText,
  getPluginConfigurationJson, getVmConfigurationJson,
} from "./configuration";
