// The body benchmark filter for @gcoredev/proxy-wasm-sdk-as: each request body chunk is read,
// upper-cased in place and written back at the same size (the same host calls as
// bench/floor/body.wat).
export * from "@gcoredev/proxy-wasm-sdk-as/assembly/proxy";
import {
  RootContext, Context, registerRootContext, FilterDataStatusValues, BufferTypeValues,
  get_buffer_bytes, set_buffer_bytes,
} from "@gcoredev/proxy-wasm-sdk-as/assembly";

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
