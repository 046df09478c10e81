// Raw host functions of Proxy-Wasm ABI v0.2.1, exactly as the spec declares them
// (abi/v0.2.1.json is the table; the ABI checker verifies every built module against it).
// Pointers and sizes are i32 on wasm32. Every function returns a proxy_status_t unless noted.

// --- Context lifecycle
@external("env", "proxy_done")
export declare function proxy_done(): u32;
@external("env", "proxy_set_effective_context")
export declare function proxy_set_effective_context(contextId: u32): u32;

// --- Logging
@external("env", "proxy_log")
export declare function proxy_log(level: u32, messagePtr: usize, messageSize: usize): u32;
@external("env", "proxy_get_log_level")
export declare function proxy_get_log_level(returnLevel: usize): u32;

// --- Clocks (proxy_get_current_time_nanoseconds is deprecated: use WASI clock_time_get)
@external("env", "proxy_get_current_time_nanoseconds")
export declare function proxy_get_current_time_nanoseconds(returnTime: usize): u32;
@external("wasi_snapshot_preview1", "clock_time_get")
export declare function clock_time_get(clockId: u32, precision: u64, returnTime: usize): u32;

// --- Timers
@external("env", "proxy_set_tick_period_milliseconds")
export declare function proxy_set_tick_period_milliseconds(periodMs: u32): u32;

// --- Randomness, environment, and the WASI calls a proxy stubs out
@external("wasi_snapshot_preview1", "random_get")
export declare function random_get(buffer: usize, size: usize): u32;
@external("wasi_snapshot_preview1", "fd_write")
export declare function fd_write(fd: u32, iovs: usize, iovsCount: usize, returnWritten: usize): u32;
@external("wasi_snapshot_preview1", "environ_sizes_get")
export declare function environ_sizes_get(returnCount: usize, returnSize: usize): u32;
@external("wasi_snapshot_preview1", "environ_get")
export declare function environ_get(environ: usize, environBuffer: usize): u32;
@external("wasi_snapshot_preview1", "args_sizes_get")
export declare function args_sizes_get(returnCount: usize, returnSize: usize): u32;
@external("wasi_snapshot_preview1", "args_get")
export declare function args_get(args: usize, argsBuffer: usize): u32;
@external("wasi_snapshot_preview1", "proc_exit")
export declare function proc_exit(code: u32): void;

// --- Buffers
@external("env", "proxy_set_buffer_bytes")
export declare function proxy_set_buffer_bytes(bufferType: u32, start: usize, length: usize, dataPtr: usize, dataSize: usize): u32;
@external("env", "proxy_get_buffer_bytes")
export declare function proxy_get_buffer_bytes(bufferType: u32, start: usize, length: usize, returnData: usize, returnSize: usize): u32;
@external("env", "proxy_get_buffer_status")
export declare function proxy_get_buffer_status(bufferType: u32, returnSize: usize, returnFlags: usize): u32;

// --- HTTP fields (header maps, trailers, gRPC metadata)
@external("env", "proxy_get_header_map_size")
export declare function proxy_get_header_map_size(mapType: u32, returnSize: usize): u32;
@external("env", "proxy_get_header_map_pairs")
export declare function proxy_get_header_map_pairs(mapType: u32, returnData: usize, returnSize: usize): u32;
@external("env", "proxy_set_header_map_pairs")
export declare function proxy_set_header_map_pairs(mapType: u32, dataPtr: usize, dataSize: usize): u32;
@external("env", "proxy_get_header_map_value")
export declare function proxy_get_header_map_value(mapType: u32, keyPtr: usize, keySize: usize, returnValue: usize, returnSize: usize): u32;
@external("env", "proxy_add_header_map_value")
export declare function proxy_add_header_map_value(mapType: u32, keyPtr: usize, keySize: usize, valuePtr: usize, valueSize: usize): u32;
@external("env", "proxy_replace_header_map_value")
export declare function proxy_replace_header_map_value(mapType: u32, keyPtr: usize, keySize: usize, valuePtr: usize, valueSize: usize): u32;
@external("env", "proxy_remove_header_map_value")
export declare function proxy_remove_header_map_value(mapType: u32, keyPtr: usize, keySize: usize): u32;

// --- Stream operations (HTTP request/response, TCP downstream/upstream)
@external("env", "proxy_continue_stream")
export declare function proxy_continue_stream(streamType: u32): u32;
@external("env", "proxy_close_stream")
export declare function proxy_close_stream(streamType: u32): u32;
@external("env", "proxy_get_status")
export declare function proxy_get_status(returnCode: usize, returnMessage: usize, returnMessageSize: usize): u32;

// --- HTTP streams
@external("env", "proxy_send_local_response")
export declare function proxy_send_local_response(statusCode: u32, detailsPtr: usize, detailsSize: usize, bodyPtr: usize, bodySize: usize, headersPtr: usize, headersSize: usize, grpcStatus: i32): u32;

// --- HTTP calls
@external("env", "proxy_http_call")
export declare function proxy_http_call(upstreamPtr: usize, upstreamSize: usize, headersPtr: usize, headersSize: usize, bodyPtr: usize, bodySize: usize, trailersPtr: usize, trailersSize: usize, timeoutMs: u32, returnToken: usize): u32;

// --- gRPC calls
@external("env", "proxy_grpc_call")
export declare function proxy_grpc_call(upstreamPtr: usize, upstreamSize: usize, servicePtr: usize, serviceSize: usize, methodPtr: usize, methodSize: usize, metadataPtr: usize, metadataSize: usize, messagePtr: usize, messageSize: usize, timeoutMs: u32, returnToken: usize): u32;
@external("env", "proxy_grpc_stream")
export declare function proxy_grpc_stream(upstreamPtr: usize, upstreamSize: usize, servicePtr: usize, serviceSize: usize, methodPtr: usize, methodSize: usize, metadataPtr: usize, metadataSize: usize, returnToken: usize): u32;
@external("env", "proxy_grpc_send")
export declare function proxy_grpc_send(token: u32, messagePtr: usize, messageSize: usize, endStream: u32): u32;
@external("env", "proxy_grpc_cancel")
export declare function proxy_grpc_cancel(token: u32): u32;
@external("env", "proxy_grpc_close")
export declare function proxy_grpc_close(token: u32): u32;

// --- Shared key-value store
@external("env", "proxy_set_shared_data")
export declare function proxy_set_shared_data(keyPtr: usize, keySize: usize, valuePtr: usize, valueSize: usize, cas: u32): u32;
@external("env", "proxy_get_shared_data")
export declare function proxy_get_shared_data(keyPtr: usize, keySize: usize, returnValue: usize, returnSize: usize, returnCas: usize): u32;

// --- Shared queues
@external("env", "proxy_register_shared_queue")
export declare function proxy_register_shared_queue(namePtr: usize, nameSize: usize, returnQueueId: usize): u32;
@external("env", "proxy_resolve_shared_queue")
export declare function proxy_resolve_shared_queue(vmIdPtr: usize, vmIdSize: usize, namePtr: usize, nameSize: usize, returnQueueId: usize): u32;
@external("env", "proxy_enqueue_shared_queue")
export declare function proxy_enqueue_shared_queue(queueId: u32, valuePtr: usize, valueSize: usize): u32;
@external("env", "proxy_dequeue_shared_queue")
export declare function proxy_dequeue_shared_queue(queueId: u32, returnValue: usize, returnSize: usize): u32;

// --- Metrics
@external("env", "proxy_define_metric")
export declare function proxy_define_metric(metricType: u32, namePtr: usize, nameSize: usize, returnMetricId: usize): u32;
@external("env", "proxy_record_metric")
export declare function proxy_record_metric(metricId: u32, value: u64): u32;
@external("env", "proxy_increment_metric")
export declare function proxy_increment_metric(metricId: u32, offset: i64): u32;
@external("env", "proxy_get_metric")
export declare function proxy_get_metric(metricId: u32, returnValue: usize): u32;

// --- Properties
@external("env", "proxy_get_property")
export declare function proxy_get_property(pathPtr: usize, pathSize: usize, returnValue: usize, returnSize: usize): u32;
@external("env", "proxy_set_property")
export declare function proxy_set_property(pathPtr: usize, pathSize: usize, valuePtr: usize, valueSize: usize): u32;

// --- Foreign functions
@external("env", "proxy_call_foreign_function")
export declare function proxy_call_foreign_function(namePtr: usize, nameSize: usize, argumentsPtr: usize, argumentsSize: usize, returnResults: usize, returnResultsSize: usize): u32;
