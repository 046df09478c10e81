// The body benchmark filter for @solo-io/proxy-runtime: each request body chunk is read,
// upper-cased in place and written back at the same size (the same host calls as
// bench/floor/body.wat). get_buffer_bytes is not re-exported by the SDK's index, so it comes
// from its runtime module. The SDK has no way to write a body: its only declaration for it,
// proxy_set_buffer_status, is bound to env.proxy_get_buffer_status. So the filter declares
// proxy_set_buffer_bytes itself and calls it the way the other SDKs' set_buffer_bytes do.
export * from "../node_modules/@solo-io/proxy-runtime/assembly/proxy";
// @solo-io/proxy-runtime 0.1.8 advertises ABI v0.2.0 only (proxy_abi_version_0_2_0), which Envoy
// still accepts; the emulator wants the v0.2.1 marker. The callbacks and imports used here are
// the same in both versions, so the filter exports the v0.2.1 marker as well.
export function proxy_abi_version_0_2_1(): void {}
import {
  RootContext, Context, registerRootContext, FilterDataStatusValues,
} from "../node_modules/@solo-io/proxy-runtime/assembly/index";
import { BufferTypeValues, get_buffer_bytes } from "../node_modules/@solo-io/proxy-runtime/assembly/runtime";

// @ts-expect-error: decorator
@external("env", "proxy_set_buffer_bytes")
declare function proxy_set_buffer_bytes(typ: u32, start: u32, length: u32, data: usize, size: usize): u32;

function set_buffer_bytes(typ: BufferTypeValues, start: u32, length: u32, value: ArrayBuffer): u32 {
  return proxy_set_buffer_bytes(typ, start, length, changetype<usize>(value), value.byteLength);
}

class UpperCaseBodyRoot extends RootContext {
  createContext(context_id: u32): Context {
    return new UpperCaseBody(context_id, this);
  }
}

class UpperCaseBody extends Context {
  constructor(context_id: u32, root_context: UpperCaseBodyRoot) {
    super(context_id, root_context);
  }
  onRequestBody(body_buffer_length: usize, end_of_stream: bool): FilterDataStatusValues {
    const data = get_buffer_bytes(BufferTypeValues.HttpRequestBody, 0, <u32>body_buffer_length);
    const p = changetype<usize>(data);
    const n = <usize>data.byteLength;
    for (let i: usize = 0; i < n; i++) {
      const c = load<u8>(p + i);
      if (<u32>c - 97 < 26) store<u8>(p + i, c - 32);
    }
    set_buffer_bytes(BufferTypeValues.HttpRequestBody, 0, <u32>body_buffer_length, data);
    return FilterDataStatusValues.Continue;
  }
}

registerRootContext((context_id: u32) => {
  return new UpperCaseBodyRoot(context_id);
}, "add_header");
