// proxy-wasm-as/host: a Proxy-Wasm ABI v0.2.1 host emulator for testing filters as the real .wasm.
export { Host } from "./host.js";
export type { HostOptions, LogEntry, HttpCallResponse, ForeignFunction } from "./host.js";
export { Vm } from "./vm.js";
export type { LoadOptions, ModuleSource } from "./vm.js";
export { Plugin } from "./plugin.js";
export type { PluginOptions } from "./plugin.js";
export { HttpStream } from "./http-stream.js";
export type { HeadersOptions } from "./http-stream.js";
export { TcpStream } from "./tcp-stream.js";
export type { LocalResponse } from "./context.js";
export type { HttpCall, GrpcCall, GrpcStream } from "./calls.js";
export type { MetricView } from "./metrics.js";
export type { SharedValue, QueueView } from "./shared.js";
export type { PropertyPath, PropertyValue } from "./properties.js";
export { encodeProperty } from "./properties.js";
export { ENVOY_DEFAULTS, ATTRIBUTE_KINDS } from "./attributes.js";
export type { AttributeKind } from "./attribute-value.js";
export {
  ForeignStatus, ENVOY_FILTER_STATE_KEYS, routeCacheClears, declaredProperties,
} from "./foreign-functions.js";
export type { ForeignCallInfo, ForeignCallContext } from "./foreign-functions.js";
export type { Pair, PairsInit } from "./pairs.js";
export { encodePairs, decodePairs } from "./pairs.js";
export { WasmTrapError, RestrictedCallError } from "./errors.js";
export { LoopLimitError } from "./loop-limit.js";
export { FaultInjector, DEFAULT_FAULT_STATUSES } from "./faults.js";
export type { FaultOptions, FaultRecord, CallFate } from "./faults.js";
export { Action, Status, BufferType, MapType, StreamType, PeerType, MetricType, LOG_LEVELS } from "./abi.js";
export type { LogLevelName, PeerTypeName, MetricTypeName } from "./abi.js";
