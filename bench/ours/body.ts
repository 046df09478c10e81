// The body benchmark filter for proxy-wasm-as: each request body chunk is read, upper-cased in
// place (the SDK's asciiUpperCaseBytes, as the Rust filter uses make_ascii_uppercase) and
// written back at the same size (the same host calls as bench/floor/body.wat).
export * from "proxy-wasm-as/assembly/proxy";
import { Action, asciiUpperCaseBytes, HttpContext, PluginContext, registerPlugin, requestBody } from "proxy-wasm-as/assembly";

class UpperCaseBody extends HttpContext {
  onRequestBody(bodySize: usize, endOfStream: bool): Action {
    const data = requestBody.get(0, bodySize);
    if (data === null) return Action.Continue;
    asciiUpperCaseBytes(data);
    requestBody.replace(data);
    return Action.Continue;
  }
}

class UpperCaseBodyPlugin extends PluginContext {
  newHttpContext(contextId: u32): HttpContext { return new UpperCaseBody(contextId); }
}

registerPlugin((contextId: u32): PluginContext => new UpperCaseBodyPlugin(contextId));
