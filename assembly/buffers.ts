// Byte buffers held by the host: request/response bodies, TCP data, an HTTP call's response
// body, a gRPC message, the VM and plugin configuration, foreign-function arguments.
import { proxy_get_buffer_bytes, proxy_get_buffer_status, proxy_set_buffer_bytes } from "./abi/imports";
import { checkHostStatus } from "./runtime/host-error";
import {
  clearResult, expectResultAt, expectTransientResult, RESULT_PTR, RESULT_SIZE, scratchLength, scratchPut, scratchReserve,
  takeResultBuffer, takeResultString,
} from "./runtime/memory";
import { BufferType, Status } from "./types";

/** Length meaning "to the end": the host clamps it to the buffer's size. */
const TO_END: usize = <usize>u32.MAX_VALUE;

export class HostBuffer {
  constructor(public readonly type: BufferType) {}

  /** `length` bytes from `start` (all by default), or null when the host has no such buffer. */
  get(start: usize = 0, length: usize = TO_END): ArrayBuffer | null {
    clearResult();
    return this.read(start, length) == Status.Ok ? takeResultBuffer() : null;
  }

  /** Like `get`, decoded as UTF-8 ("" when absent). */
  getText(start: usize = 0, length: usize = TO_END): string {
    expectTransientResult();
    return this.read(start, length) == Status.Ok ? takeResultString() : "";
  }

  /**
   * Copies up to `into.byteLength` bytes from `start` into `into` and returns how many (0 at
   * the end or when absent). The host writes straight into `into`: reading a large body chunk
   * by chunk through one buffer allocates nothing.
   */
  readInto(start: usize, into: ArrayBuffer): usize {
    expectResultAt(changetype<usize>(into), <usize>into.byteLength);
    if (this.read(start, <usize>into.byteLength) != Status.Ok) return 0;
    const ptr = load<usize>(RESULT_PTR);
    const size = <usize>min<u32>(load<u32>(RESULT_SIZE), <u32>into.byteLength);
    // A host that returned its own block (or a size-0 one): copy what it gave.
    if (ptr != changetype<usize>(into) && ptr != 0) memory.copy(changetype<usize>(into), ptr, size);
    return ptr == 0 ? 0 : size;
  }

  /** The buffer's current size in bytes (0 when absent). */
  size(): usize {
    store<u32>(RESULT_PTR, 0);
    const status = checkHostStatus("get buffer status", proxy_get_buffer_status(this.type, RESULT_PTR, RESULT_SIZE));
    return status == Status.Ok ? <usize>load<u32>(RESULT_PTR) : 0;
  }

  /** Replaces the whole content. */
  replace(data: ArrayBuffer): Status { return this.set(0, TO_END, data); }
  /** Adds bytes at the end. */
  append(data: ArrayBuffer): Status { return this.set(TO_END, 0, data); }
  /** Adds bytes at the start. */
  prepend(data: ArrayBuffer): Status { return this.set(0, 0, data); }

  replaceText(text: string): Status { return this.setText(0, TO_END, text); }
  appendText(text: string): Status { return this.setText(TO_END, 0, text); }
  prependText(text: string): Status { return this.setText(0, 0, text); }

  /** Replaces `length` bytes at `start` with `data` (the ABI's general form). */
  set(start: usize, length: usize, data: ArrayBuffer): Status {
    return <Status>checkHostStatus("set buffer bytes",
      proxy_set_buffer_bytes(this.type, start, length, changetype<usize>(data), <usize>data.byteLength));
  }

  private setText(start: usize, length: usize, text: string): Status {
    scratchReserve(<usize>text.length);
    const ptr = scratchPut(text);
    return <Status>checkHostStatus("set buffer bytes", proxy_set_buffer_bytes(this.type, start, length, ptr, scratchLength));
  }

  /** After clearResult or expectTransientResult. */
  private read(start: usize, length: usize): Status {
    return <Status>checkHostStatus("get buffer bytes", proxy_get_buffer_bytes(this.type, start, length, RESULT_PTR, RESULT_SIZE));
  }
}

// `@lazy`: a global is compiled, allocated and scanned by the collector only if the filter uses it.
@lazy export const requestBody = new HostBuffer(BufferType.HttpRequestBody);
@lazy export const responseBody = new HostBuffer(BufferType.HttpResponseBody);
@lazy export const downstreamData = new HostBuffer(BufferType.DownstreamData);
@lazy export const upstreamData = new HostBuffer(BufferType.UpstreamData);
@lazy export const httpCallResponseBody = new HostBuffer(BufferType.HttpCallResponseBody);
@lazy export const grpcMessage = new HostBuffer(BufferType.GrpcCallMessage);
@lazy export const vmConfiguration = new HostBuffer(BufferType.VmConfiguration);
@lazy export const pluginConfiguration = new HostBuffer(BufferType.PluginConfiguration);
@lazy export const foreignFunctionArguments = new HostBuffer(BufferType.ForeignFunctionArguments);
