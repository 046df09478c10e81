// The body benchmark filter for proxy-wasm-as: each request body chunk is read, upper-cased in
// place and written back at the same size (the same host calls as bench/floor/body.wat).
export * from "proxy-wasm-as/assembly/proxy";
import { Action, HttpContext, PluginContext, registerPlugin, requestBody } from "proxy-wasm-as/assembly";

class UpperCaseBody extends HttpContext {
  onRequestBody(bodySize: usize, endOfStream: bool): Action {
    const data = requestBody.get(0, bodySize);
    if (data === null) return Action.Continue;
    const p = changetype<usize>(data);
    const n = <usize>data.byteLength;
    for (let i: usize = 0; i < n; i++) {
      const c = load<u8>(p + i);
      if (<u32>c - 97 < 26) store<u8>(p + i, c - 32);
    }
    requestBody.replace(data);
    return Action.Continue;
  }
}

class UpperCaseBodyPlugin extends PluginContext {
  newHttpContext(contextId: u32): HttpContext { return new UpperCaseBody(contextId); }
}

registerPlugin((contextId: u32): PluginContext => new UpperCaseBodyPlugin(contextId));
