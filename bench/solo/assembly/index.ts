// The add-header benchmark filter for @solo-io/proxy-runtime: reads :path, adds one
// request header and one response header (the same host calls as test/filters/add-header.ts).
export * from "../node_modules/@solo-io/proxy-runtime/assembly/proxy";
// @solo-io/proxy-runtime 0.1.8 advertises ABI v0.2.0 only (proxy_abi_version_0_2_0), which Envoy
// still accepts; the emulator wants the v0.2.1 marker. The callbacks and imports used here are
// the same in both versions, so the filter exports the v0.2.1 marker as well.
export function proxy_abi_version_0_2_1(): void {}
import {
  RootContext, Context, registerRootContext, FilterHeadersStatusValues, stream_context,
} from "../node_modules/@solo-io/proxy-runtime/assembly/index";

class AddHeaderRoot extends RootContext {
  createContext(context_id: u32): Context {
    return new AddHeader(context_id, this);
  }
}

class AddHeader extends Context {
  constructor(context_id: u32, root_context: AddHeaderRoot) {
    super(context_id, root_context);
  }
  onRequestHeaders(a: u32, end_of_stream: bool): FilterHeadersStatusValues {
    const path = stream_context.headers.request.get(":path");
    stream_context.headers.request.add("x-path-length", path == "" ? "none" : "seen");
    return FilterHeadersStatusValues.Continue;
  }
  onResponseHeaders(a: u32, end_of_stream: bool): FilterHeadersStatusValues {
    stream_context.headers.response.add("x-filter", "proxy-wasm-as");
    return FilterHeadersStatusValues.Continue;
  }
}

registerRootContext((context_id: u32) => {
  return new AddHeaderRoot(context_id);
}, "add_header");
