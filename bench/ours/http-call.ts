// The HTTP-call benchmark filter for proxy-wasm-as: request headers dispatch a call to the
// cluster "auth" (GET /check) and pause the stream; the call's response resumes it
// (bench/rust/http-call, bench/floor/http-call.wat).
export * from "proxy-wasm-as/assembly/proxy";
import {
  Action, continueRequest, dispatchHttpCall, HeaderPair, HttpContext, PluginContext, registerPlugin, Status,
} from "proxy-wasm-as/assembly";

class CallOut extends HttpContext {
  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const headers = [new HeaderPair(":method", "GET"), new HeaderPair(":path", "/check"), new HeaderPair(":authority", "auth")];
    const call = dispatchHttpCall("auth", headers, null, [], 1000);
    return call.status == Status.Ok ? Action.Pause : Action.Continue;
  }

  onHttpCallResponse(token: u32, numHeaders: u32, bodySize: usize, numTrailers: u32): void {
    continueRequest();
  }
}

class CallOutPlugin extends PluginContext {
  newHttpContext(contextId: u32): HttpContext { return new CallOut(contextId); }
}

registerPlugin((contextId: u32): PluginContext => new CallOutPlugin(contextId));
