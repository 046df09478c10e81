// proxy-wasm-as/host: a Proxy-Wasm ABI v0.2.1 host emulator for testing filters as the real .wasm.
//
// Layers, bottom to top. A file imports only files of its own layer or a lower one, and no file
// reaches itself (type-only imports count); test/host/import-cycles.test.ts holds host/ to this list.
// Where a lower file must name something of a higher one, it declares a small interface that
// the higher one implements.
//
// 1. Bytes, wasm, memory and the ABI, with no proxy knowledge:
//    [abi abi-table bytes pairs headers errors protobuf wasm-bytes wasm-reader wasm-binary
//     memory loop-limit source-map attribute-value cel option-checks module-size header-validation]
// 2. Proxy-wide state, shared by every VM of one Host: shared data and queues, metrics,
//    properties, Envoy's attributes and foreign functions, pending calls, deferred work, and
//    ProxyState (clock, logs, all of these, and the host-call hook).
//    [shared metrics properties declared-properties attributes foreign-functions calls
//     deferred-work proxy-state]
//    calls.ts names the plugin a call's answer goes to as CallReceiver.
// 3. The VM: the VM and its contexts as host functions see them (AbiVm, AbiContext,
//    AbiPluginContext), the ABI host functions over the state, linking (which consults the
//    state's host-call hook first), and VmInstance (compile, _initialize, the context table,
//    current/effective context, traps).
//    [abi-context env-state env-calls env-streams wasi imports vm-instance]
// 4. Contexts and stream drivers, as Envoy's filter manager drives them: the base context with
//    Envoy's defaults, the HTTP stream, the TCP connection, and the plugin (root) context that
//    creates them.
//    [context http-stream tcp-stream plugin]
// 5. The facade: Vm (a VmInstance that starts plugins), Host (ProxyState plus loading modules,
//    the clock and answering calls) and, beside it, the fault injector, which the Host installs
//    as the host-call hook every env host function consults first. The injector names the
//    Host only as CallSettler, so the Host may import it.
//    The interleaver (two workers racing) names the Host only as Workers.
//    [faults interleave vm host index]
export { Host } from "./host.js";
export type { HostOptions } from "./host.js";
export type { LogEntry } from "./proxy-state.js";
export type { HttpCallResponse } from "./calls.js";
export type { ForeignFunction } from "./foreign-functions.js";
export { Vm } from "./vm.js";
export type { LoadOptions, ModuleSource } from "./vm-instance.js";
export { Plugin } from "./plugin.js";
export type { PluginOptions } from "./plugin.js";
export { HttpStream } from "./http-stream.js";
export type { HeadersOptions } from "./http-stream.js";
export { TcpStream } from "./tcp-stream.js";
export type { LocalResponse } from "./abi-context.js";
export type { HttpCall, GrpcCall, GrpcStream } from "./calls.js";
export type { MetricView } from "./metrics.js";
export type { SharedValue, QueueView } from "./shared.js";
export type { PropertyPath, PropertyValue } from "./properties.js";
export { encodeProperty } from "./properties.js";
export { ENVOY_DEFAULTS, ATTRIBUTE_KINDS } from "./attributes.js";
export type { AttributeKind } from "./attribute-value.js";
export { ForeignStatus, ENVOY_FILTER_STATE_KEYS, routeCacheClears } from "./foreign-functions.js";
export { declaredProperties } from "./declared-properties.js";
export type { PropertyDeclaration } from "./declared-properties.js";
export type { ForeignCallInfo, ForeignCallContext } from "./foreign-functions.js";
export type { Pair, PairsInit } from "./pairs.js";
export { encodePairs, decodePairs } from "./pairs.js";
export { WasmTrapError, RestrictedCallError } from "./errors.js";
export { LoopLimitError } from "./loop-limit.js";
export { FaultInjector, DEFAULT_FAULT_STATUSES } from "./faults.js";
export type { FaultOptions, FaultRecord, CallFate } from "./faults.js";
export type { InterleaveOptions } from "./interleave.js";
export { Action, Status, BufferType, MapType, StreamType, PeerType, MetricType, LOG_LEVELS } from "./abi.js";
export type { LogLevelName, PeerTypeName, MetricTypeName } from "./abi.js";
