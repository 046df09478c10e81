// The header-map benchmark filter (all pairs) for proxy-wasm-as: reads every request header,
// then adds one (the same host calls as bench/rust/headers-all and bench/floor/headers-all.wat).
export * from "proxy-wasm-as/assembly/proxy";
import { Action, HttpContext, PluginContext, registerPlugin, requestHeaders } from "proxy-wasm-as/assembly";

class ReadAllHeaders extends HttpContext {
  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const headers = requestHeaders.getAll();
    requestHeaders.add("x-header-count", headers.length == 0 ? "none" : "some");
    return Action.Continue;
  }
}

class ReadAllHeadersPlugin extends PluginContext {
  newHttpContext(contextId: u32): HttpContext { return new ReadAllHeaders(contextId); }
}

registerPlugin((contextId: u32): PluginContext => new ReadAllHeadersPlugin(contextId));
