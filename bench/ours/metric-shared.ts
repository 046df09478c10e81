// The metric + shared-data benchmark filter for proxy-wasm-as: the counter "bench_requests" is
// defined when the plugin starts; each request increments it and reads the shared-data key
// "bench_key" (the same host calls as bench/floor/metric-shared.wat).
export * from "proxy-wasm-as/assembly/proxy";
import { Action, Counter, getSharedData, HttpContext, PluginContext, registerPlugin, Status } from "proxy-wasm-as/assembly";

// biome-ignore lint/correctness/noUnusedVariables: written, never read, so the optimizer keeps the measured call
let sharedBytes: i32 = 0;

class CountAndRead extends HttpContext {
  constructor(contextId: u32, private readonly requests: Counter) { super(contextId); }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    this.requests.increment();
    const shared = getSharedData("bench_key");
    if (shared.status == Status.Ok) sharedBytes = (<ArrayBuffer>shared.value).byteLength;
    return Action.Continue;
  }
}

class CountAndReadPlugin extends PluginContext {
  requests: Counter | null = null;

  onPluginStart(configurationSize: usize): bool {
    this.requests = Counter.define("bench_requests");
    return true;
  }

  newHttpContext(contextId: u32): HttpContext { return new CountAndRead(contextId, <Counter>this.requests); }
}

registerPlugin((contextId: u32): PluginContext => new CountAndReadPlugin(contextId));
