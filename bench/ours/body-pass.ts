// The body pass-through benchmark filter for proxy-wasm-as: a stream filter whose body
// callbacks do nothing, so no chunk is read into wasm memory (bench/rust/body-pass,
// bench/floor/body-pass.wat).
export * from "proxy-wasm-as/assembly/proxy";
import { HttpContext, PluginContext, registerPlugin } from "proxy-wasm-as/assembly";

class PassThrough extends HttpContext {}

class PassThroughPlugin extends PluginContext {
  newHttpContext(contextId: u32): HttpContext { return new PassThrough(contextId); }
}

registerPlugin((contextId: u32): PluginContext => new PassThroughPlugin(contextId));
