// The metric + shared-data benchmark filter for @solo-io/proxy-runtime: the counter
// "bench_requests" is defined when the plugin is configured; each request increments it and
// reads the shared-data key "bench_key" (the same host calls as bench/floor/metric-shared.wat).
//
// The SDK's own get_shared_data(key, value) cannot be used: it passes the value buffer as the
// host's return-pointer cell and its byteLength as the address of the size cell, so the host
// writes into arbitrary memory. getSharedData below is that function fixed the way
// @gcoredev/proxy-wasm-sdk-as fixed it (same host call, same allocation and release).
export * from "../node_modules/@solo-io/proxy-runtime/assembly/proxy";
// @solo-io/proxy-runtime 0.1.8 advertises ABI v0.2.0 only (proxy_abi_version_0_2_0), which Envoy
// still accepts; the emulator wants the v0.2.1 marker. The callbacks and imports used here are
// the same in both versions, so the filter exports the v0.2.1 marker as well.
export function proxy_abi_version_0_2_1(): void {}
import {
  RootContext, Context, registerRootContext, FilterHeadersStatusValues, Counter, WasmResultValues,
} from "../node_modules/@solo-io/proxy-runtime/assembly/index";
import { proxy_get_shared_data } from "../node_modules/@solo-io/proxy-runtime/assembly/imports";
import { free } from "../node_modules/@solo-io/proxy-runtime/assembly/malloc";

class SharedValueCells {
  buffer: usize;
  size: usize;
  cas: u32;
}
const cells = new SharedValueCells();

class GetSharedData {
  result: WasmResultValues;
  value: ArrayBuffer | null;
  cas: u32;
}

function getSharedData(key: string): GetSharedData {
  const key_buffer = String.UTF8.encode(key);
  const base = changetype<usize>(cells);
  const result = new GetSharedData();
  result.result = proxy_get_shared_data(changetype<usize>(key_buffer), key_buffer.byteLength,
    base + offsetof<SharedValueCells>("buffer"), base + offsetof<SharedValueCells>("size"),
    base + offsetof<SharedValueCells>("cas"));
  if (result.result == WasmResultValues.Ok) {
    if (cells.size == 0) {
      result.value = new ArrayBuffer(0);
    } else {
      result.value = changetype<ArrayBuffer>(cells.buffer);
      free(cells.buffer); // the host allocated it through the SDK's malloc, which retained it
    }
    result.cas = cells.cas;
  }
  return result;
}

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
    const shared = getSharedData("bench_key");
    if (shared.result == WasmResultValues.Ok) sharedBytes = (<ArrayBuffer>shared.value).byteLength;
    return FilterHeadersStatusValues.Continue;
  }
}

registerRootContext((context_id: u32) => {
  return new CountAndReadRoot(context_id);
}, "add_header");
