// proxy-wasm-as/host: a Proxy-Wasm ABI v0.2.1 host emulator for testing filters as the real .wasm.
//
// Layers, bottom to top, one folder each. A file imports only files of its own layer or a lower
// one, and no file reaches itself (type-only imports count); test/host/import-cycles.test.ts
// holds host/ to this. Where a lower file must name something of a higher one, it declares a
// small interface that the higher one implements.
//
// 1. wasm/: bytes, wasm, memory and the ABI, and the encodings and languages the ABI carries
//    (header maps, protobuf, attribute values, CEL, source maps), with no proxy knowledge.
// 2. state/: proxy-wide state, shared by every VM of one Host: shared data and queues, metrics,
//    properties, Envoy's attributes and foreign functions, pending calls, deferred work, and
//    ProxyState (clock, logs, all of these, and the host-call hook). calls.ts names the plugin a
//    call's answer goes to as CallReceiver.
// 3. vm/: the VM and its contexts as host functions see them (AbiVm, AbiContext,
//    AbiPluginContext), the ABI host functions over the state, linking (which consults the
//    state's host-call hook first), and VmInstance (compile, _initialize, the context table,
//    current/effective context, traps).
// 4. streams/: contexts and stream drivers, as Envoy's filter manager drives them: the base
//    context with Envoy's defaults, the HTTP stream, the TCP connection, and the plugin (root)
//    context that creates them.
// 5. host/ itself, the facade: Vm (a VmInstance that starts plugins), Host (ProxyState plus
//    loading modules, the clock and answering calls), this index and, beside the Host, the fault
//    injector, which the Host installs as the host-call hook every env host function consults
//    first, and the interleaver (two workers racing). They name the Host only as CallSettler and
//    Workers, so the Host may import them.
export { Host } from "./host.js";
export type { HostOptions } from "./host.js";
export type { LogEntry } from "./state/proxy-state.js";
export type { HttpCallResponse } from "./state/calls.js";
export type { ForeignFunction } from "./state/foreign-functions.js";
export { Vm } from "./vm.js";
export type { LoadOptions, ModuleSource } from "./vm/vm-instance.js";
export { Plugin } from "./streams/plugin.js";
export type { PluginOptions } from "./streams/plugin.js";
export { HttpStream } from "./streams/http-stream.js";
export type { HeadersOptions } from "./streams/http-stream.js";
export { TcpStream } from "./streams/tcp-stream.js";
export type { LocalResponse } from "./vm/abi-context.js";
export type { HttpCall, GrpcCall, GrpcStream } from "./state/calls.js";
export type { MetricView } from "./state/metrics.js";
export type { SharedValue, QueueView } from "./state/shared.js";
export type { PropertyPath, PropertyValue } from "./state/properties.js";
export { encodeProperty } from "./state/properties.js";
export { ENVOY_DEFAULTS, ATTRIBUTE_KINDS } from "./state/attributes.js";
export type { AttributeKind } from "./wasm/attribute-value.js";
export { ForeignStatus, ENVOY_FILTER_STATE_KEYS, routeCacheClears } from "./state/foreign-functions.js";
export { declaredProperties } from "./state/declared-properties.js";
export type { PropertyDeclaration } from "./state/declared-properties.js";
export type { ForeignCallInfo, ForeignCallContext } from "./state/foreign-functions.js";
export type { Pair, PairsInit } from "./wasm/pairs.js";
export { encodePairs, decodePairs } from "./wasm/pairs.js";
export { WasmTrapError, RestrictedCallError } from "./wasm/errors.js";
export { LoopLimitError } from "./wasm/loop-limit.js";
export { FaultInjector, DEFAULT_FAULT_STATUSES } from "./faults.js";
export type { FaultOptions, FaultRecord, CallFate } from "./faults.js";
export type { InterleaveOptions } from "./interleave.js";
export { Action, Status, BufferType, MapType, StreamType, PeerType, MetricType, LOG_LEVELS } from "./wasm/abi.js";
export type { LogLevelName, PeerTypeName, MetricTypeName } from "./wasm/abi.js";
