// Every host function of ABI v0.2.1 with its wasm signature ("params:results", i = i32,
// I = i64). The host links exactly these; test/host/abi-table.test.ts checks the list
// against abi/v0.2.1.json.

export const ENV_IMPORTS: Record<string, string> = {
  proxy_done: ":i",
  proxy_set_effective_context: "i:i",
  proxy_log: "iii:i",
  proxy_get_log_level: "i:i",
  proxy_get_current_time_nanoseconds: "i:i",
  proxy_set_tick_period_milliseconds: "i:i",
  proxy_set_buffer_bytes: "iiiii:i",
  proxy_get_buffer_bytes: "iiiii:i",
  proxy_get_buffer_status: "iii:i",
  proxy_get_header_map_size: "ii:i",
  proxy_get_header_map_pairs: "iii:i",
  proxy_set_header_map_pairs: "iii:i",
  proxy_get_header_map_value: "iiiii:i",
  proxy_add_header_map_value: "iiiii:i",
  proxy_replace_header_map_value: "iiiii:i",
  proxy_remove_header_map_value: "iii:i",
  proxy_continue_stream: "i:i",
  proxy_close_stream: "i:i",
  proxy_get_status: "iii:i",
  proxy_send_local_response: "iiiiiiii:i",
  proxy_http_call: "iiiiiiiiii:i",
  proxy_grpc_call: "iiiiiiiiiiii:i",
  proxy_grpc_stream: "iiiiiiiii:i",
  proxy_grpc_send: "iiii:i",
  proxy_grpc_cancel: "i:i",
  proxy_grpc_close: "i:i",
  proxy_set_shared_data: "iiiii:i",
  proxy_get_shared_data: "iiiii:i",
  proxy_register_shared_queue: "iii:i",
  proxy_resolve_shared_queue: "iiiii:i",
  proxy_enqueue_shared_queue: "iii:i",
  proxy_dequeue_shared_queue: "iii:i",
  proxy_define_metric: "iiii:i",
  proxy_record_metric: "iI:i",
  proxy_increment_metric: "iI:i",
  proxy_get_metric: "ii:i",
  proxy_get_property: "iiii:i",
  proxy_set_property: "iiii:i",
  proxy_call_foreign_function: "iiiiii:i",
};

export const WASI_IMPORTS: Record<string, string> = {
  fd_write: "iiii:i",
  clock_time_get: "iIi:i",
  random_get: "ii:i",
  environ_sizes_get: "ii:i",
  environ_get: "ii:i",
  args_sizes_get: "ii:i",
  args_get: "ii:i",
  proc_exit: "i:",
};

/** Both WASI module names cpp-host registers. */
export const WASI_MODULES = ["wasi_snapshot_preview1", "wasi_unstable"];

export function signatureOf(sig: string): { params: string[]; results: string[] } {
  const [p, r] = sig.split(":");
  const t = (c: string) => (c === "I" ? "i64" : "i32");
  return { params: [...p].map(t), results: [...r].map(t) };
}

export function expectedSignature(module: string, name: string): string | undefined {
  if (module === "env") return ENV_IMPORTS[name];
  if (WASI_MODULES.includes(module)) return WASI_IMPORTS[name];
  return undefined;
}
