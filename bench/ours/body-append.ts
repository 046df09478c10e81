// The body append benchmark filter for proxy-wasm-as: at the end of the request body, appends
// a fixed suffix without reading the body (bench/rust/body-append, bench/floor/body-append.wat).
export * from "proxy-wasm-as/assembly/proxy";
import { Action, HttpContext, PluginContext, registerPlugin, requestBody } from "proxy-wasm-as/assembly";

class AppendSuffix extends HttpContext {
  onRequestBody(bodySize: usize, endOfStream: bool): Action {
    if (endOfStream) requestBody.appendText("\n<!-- appended by the filter -->\n");
    return Action.Continue;
  }
}

class AppendSuffixPlugin extends PluginContext {
  newHttpContext(contextId: u32): HttpContext { return new AppendSuffix(contextId); }
}

registerPlugin((contextId: u32): PluginContext => new AppendSuffixPlugin(contextId));
