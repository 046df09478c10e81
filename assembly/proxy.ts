// Every callback of Proxy-Wasm ABI v0.2.1, exported under the spec's names. A filter's entry
// file re-exports this module in one line: `export * from "proxy-wasm-as/assembly/proxy";`
import * as dispatcher from "./dispatcher";
import { allocateForHost } from "./runtime/memory";
// Loads the abort/trace/seed replacements that asconfig.json maps with `use`.
import "./runtime/abort";
import "./runtime/small-blocks"; // the runtime's __alloc and __free (asconfig.json `use`)

/** Advertises ABI v0.2.1 to the host; never called. */
export function proxy_abi_version_0_2_1(): void {}

export function proxy_on_memory_allocate(size: usize): usize { return allocateForHost(size); }
/** Envoy's host library looks `malloc` up before `proxy_on_memory_allocate`. */
export function malloc(size: usize): usize { return allocateForHost(size); }

export function proxy_on_context_create(contextId: u32, parentId: u32): void { dispatcher.onContextCreate(contextId, parentId); }
export function proxy_on_done(contextId: u32): bool { return dispatcher.onDone(contextId); }
export function proxy_on_log(contextId: u32): void { dispatcher.onLog(contextId); }
export function proxy_on_delete(contextId: u32): void { dispatcher.onDelete(contextId); }

export function proxy_on_vm_start(contextId: u32, configurationSize: usize): bool { return dispatcher.onVmStart(contextId, configurationSize); }
export function proxy_on_configure(contextId: u32, configurationSize: usize): bool { return dispatcher.onConfigure(contextId, configurationSize); }
export function proxy_on_tick(contextId: u32): void { dispatcher.onTick(contextId); }
export function proxy_on_queue_ready(contextId: u32, queueId: u32): void { dispatcher.onQueueReady(contextId, queueId); }
export function proxy_on_foreign_function(contextId: u32, functionId: u32, argumentsSize: usize): void { dispatcher.onForeignFunction(contextId, functionId, argumentsSize); }

export function proxy_on_request_headers(contextId: u32, numHeaders: u32, endOfStream: bool): u32 { return dispatcher.onRequestHeaders(contextId, numHeaders, endOfStream); }
export function proxy_on_request_body(contextId: u32, bodySize: usize, endOfStream: bool): u32 { return dispatcher.onRequestBody(contextId, bodySize, endOfStream); }
export function proxy_on_request_trailers(contextId: u32, numTrailers: u32): u32 { return dispatcher.onRequestTrailers(contextId, numTrailers); }
export function proxy_on_response_headers(contextId: u32, numHeaders: u32, endOfStream: bool): u32 { return dispatcher.onResponseHeaders(contextId, numHeaders, endOfStream); }
export function proxy_on_response_body(contextId: u32, bodySize: usize, endOfStream: bool): u32 { return dispatcher.onResponseBody(contextId, bodySize, endOfStream); }
export function proxy_on_response_trailers(contextId: u32, numTrailers: u32): u32 { return dispatcher.onResponseTrailers(contextId, numTrailers); }

export function proxy_on_new_connection(contextId: u32): u32 { return dispatcher.onNewConnection(contextId); }
export function proxy_on_downstream_data(contextId: u32, dataSize: usize, endOfStream: bool): u32 { return dispatcher.onDownstreamData(contextId, dataSize, endOfStream); }
export function proxy_on_downstream_connection_close(contextId: u32, peerType: u32): void { dispatcher.onDownstreamClose(contextId, peerType); }
export function proxy_on_upstream_data(contextId: u32, dataSize: usize, endOfStream: bool): u32 { return dispatcher.onUpstreamData(contextId, dataSize, endOfStream); }
export function proxy_on_upstream_connection_close(contextId: u32, peerType: u32): void { dispatcher.onUpstreamClose(contextId, peerType); }

export function proxy_on_http_call_response(contextId: u32, token: u32, numHeaders: u32, bodySize: usize, numTrailers: u32): void { dispatcher.onHttpCallResponse(contextId, token, numHeaders, bodySize, numTrailers); }
export function proxy_on_grpc_receive_initial_metadata(contextId: u32, token: u32, numHeaders: u32): void { dispatcher.onGrpcReceiveInitialMetadata(contextId, token, numHeaders); }
export function proxy_on_grpc_receive(contextId: u32, token: u32, messageSize: usize): void { dispatcher.onGrpcReceive(contextId, token, messageSize); }
export function proxy_on_grpc_receive_trailing_metadata(contextId: u32, token: u32, numTrailers: u32): void { dispatcher.onGrpcReceiveTrailingMetadata(contextId, token, numTrailers); }
export function proxy_on_grpc_close(contextId: u32, token: u32, statusCode: u32): void { dispatcher.onGrpcClose(contextId, token, statusCode); }
