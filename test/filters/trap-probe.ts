// A filter that traps on purpose, for the tests of traps that name the TypeScript line: the
// request header x-trap picks how (unreachable, a memory access out of bounds, a Map key
// that is not there, an array index out of range); without it the request passes.
export * from "proxy-wasm-as/assembly/proxy";
import { Action, HttpContext, PluginContext, registerPlugin, requestHeaders } from "proxy-wasm-as/assembly";

@lazy const limits = new Map<string, i32>();

function readFar(): u32 {
  return load<u32>(0xfffffff0);
}

class TrapProbe extends HttpContext {
  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const how = requestHeaders.get("x-trap");
    if (how === null) return Action.Continue;
    if (how == "unreachable") unreachable();
    if (how == "oob") requestHeaders.add("x-far", readFar().toString());
    if (how == "missing-key") requestHeaders.add("x-limit", limits.get(how).toString());
    if (how == "index") {
      const list = [1, 2, 3];
      requestHeaders.add("x-item", list[numHeaders + 10].toString());
    }
    return Action.Continue;
  }
}

class TrapProbePlugin extends PluginContext {
  newHttpContext(contextId: u32): HttpContext { return new TrapProbe(contextId); }
}

registerPlugin((contextId: u32): PluginContext => new TrapProbePlugin(contextId));
