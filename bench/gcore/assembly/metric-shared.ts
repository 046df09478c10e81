// The metric + shared-data benchmark filter for @gcoredev/proxy-wasm-sdk-as: the counter
// "bench_requests" is defined when the plugin is configured; each request increments it and
// reads the shared-data key "bench_key" (the same host calls as bench/floor/metric-shared.wat).
export * from "@gcoredev/proxy-wasm-sdk-as/assembly/proxy";
import {
  RootContext, Context, registerRootContext, FilterHeadersStatusValues, Counter, get_shared_data,
  WasmResultValues,
} from "@gcoredev/proxy-wasm-sdk-as/assembly";

// biome-ignore lint/correctness/noUnusedVariables: written, never read, so the optimizer keeps the measured call
let sharedBytes: i32 = 0;

class CountAndReadRoot extends RootContext {
  requests: Counter | null = null;

  onConfigure(configuration_size: u32): bool {
    if (!super.onConfigure(configuration_size)) return false;
    this.requests = new Counter("bench_requests");
    return true;
  }

  createContext(context_id: u32): Context {
    return new CountAndRead(context_id, this);
  }
}

class CountAndRead extends Context {
  requests: Counter;
  constructor(context_id: u32, root_context: CountAndReadRoot) {
    super(context_id, root_context);
    this.requests = <Counter>root_context.requests;
  }
  onRequestHeaders(a: u32, end_of_stream: bool): FilterHeadersStatusValues {
    this.requests.increment(1);
    const shared = get_shared_data("bench_key");
    if (shared.result == WasmResultValues.Ok) sharedBytes = (<ArrayBuffer>shared.value).byteLength;
    return FilterHeadersStatusValues.Continue;
  }
}

registerRootContext((context_id: u32) => {
  return new CountAndReadRoot(context_id);
}, "add_header");
