// The add-header filter used by the package test and the benchmarks: reads :path, adds a
// request header and a response header.
export * from "proxy-wasm-as/assembly/proxy";
import { Action, HttpContext, PluginContext, registerPlugin, requestHeaders, responseHeaders } from "proxy-wasm-as/assembly";

class AddHeader extends HttpContext {
  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const path = requestHeaders.getBytes(":path");
    requestHeaders.add("x-path-length", path === null ? "none" : "seen");
    return Action.Continue;
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): Action {
    responseHeaders.add("x-filter", "proxy-wasm-as");
    return Action.Continue;
  }
}

class AddHeaderPlugin extends PluginContext {
  newHttpContext(contextId: u32): HttpContext { return new AddHeader(contextId); }
}

registerPlugin((contextId: u32): PluginContext => new AddHeaderPlugin(contextId));
