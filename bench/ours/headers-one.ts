// The header-map benchmark filter (by name) for proxy-wasm-as: reads one request header,
// replaces one and removes one (the same host calls as bench/rust/headers-one and
// bench/floor/headers-one.wat).
export * from "proxy-wasm-as/assembly/proxy";
import { Action, HttpContext, PluginContext, registerPlugin, requestHeaders } from "proxy-wasm-as/assembly";

class EditOneHeader extends HttpContext {
  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const agent = requestHeaders.get("user-agent");
    requestHeaders.replace("x-request-id", agent === null ? "none" : "seen");
    requestHeaders.remove("accept");
    return Action.Continue;
  }
}

class EditOneHeaderPlugin extends PluginContext {
  newHttpContext(contextId: u32): HttpContext { return new EditOneHeader(contextId); }
}

registerPlugin((contextId: u32): PluginContext => new EditOneHeaderPlugin(contextId));
