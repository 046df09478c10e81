// Host functions for header maps, buffers and stream control. Each validates its enum first
// (BAD_ARGUMENT), then every pointer (INVALID_MEMORY_ACCESS), then asks the context whether the
// map/buffer exists right now, with Envoy's answers when it does not.
import { BUFFER_TYPE_MAX, MAP_TYPE_MAX, Status, STREAM_TYPE_MAX } from "../wasm/abi.js";
import { type AbiContext, type AbiVm, type BufferRef, NO_DATA } from "./abi-context.js";
import { EMPTY, text } from "../wasm/bytes.js";
import { addHeader, byteSize, getHeader, removeHeader, replaceHeader, requestHeaderName } from "../wasm/headers.js";
import { decodePairs, encodePairs, type Pair } from "../wasm/pairs.js";

const S = Status;
const enc = new TextEncoder();

/** The key as the map stores it: the request header map reads a legacy "host" as ":authority". */
function keyFor(type: number, key: string): string {
  return type === 0 ? requestHeaderName(key) : key;
}

function mapOf(c: AbiContext, type: number, write: boolean): Pair[] | null {
  const p = c.plugin;
  switch (type) {
    case 4:
      return write ? null : p.grpcInitial;
    case 5:
      return write ? null : p.grpcTrailing;
    case 6:
      return write ? null : (p.callResponse?.headers ?? null);
    case 7:
      return write ? null : (p.callResponse?.trailers ?? null);
    default:
      return c.headerMap(type, write);
  }
}

function bufferOf(vm: AbiVm, c: AbiContext, type: number): BufferRef | null {
  const p = c.plugin;
  switch (type) {
    case 4:
      return p.callResponse?.body ?? null;
    case 5: // Envoy wraps the (possibly absent) gRPC message: empty outside proxy_on_grpc_receive
      return p.grpcMessage ?? NO_DATA;
    case 6: // Envoy answers VM_CONFIGURATION at any time
      return { data: vm.vmConfiguration, mutable: false };
    case 7:
      return p.configLive ? { data: p.configuration, mutable: false } : null;
    case 8:
      return p.foreignArgs;
    default:
      return c.buffer(type);
  }
}

export function streamImports(vm: AbiVm) {
  const m = () => vm.memory;
  return {
    proxy_get_header_map_value(type: number, kp: number, ks: number, vpp: number, vsp: number): number {
      if (type >>> 0 > MAP_TYPE_MAX) return S.BAD_ARGUMENT;
      const key = m().readString(kp, ks);
      if (key === null) return S.INVALID_MEMORY_ACCESS;
      const c = vm.ctx();
      const map = mapOf(c, type, false);
      // Envoy: a map that is not there now is BAD_ARGUMENT, but NOT_FOUND in the access log phase.
      if (!map) return c.inLogPhase ? S.NOT_FOUND : S.BAD_ARGUMENT;
      const v = getHeader(map, keyFor(type, key));
      if (v === undefined) return S.NOT_FOUND;
      return m().copyOut(enc.encode(v), vpp, vsp) ? S.OK : S.INVALID_MEMORY_ACCESS;
    },

    proxy_get_header_map_pairs(type: number, pp: number, sp: number): number {
      if (type >>> 0 > MAP_TYPE_MAX) return S.BAD_ARGUMENT;
      // Envoy: a map that is not available reads as empty.
      const map = mapOf(vm.ctx(), type, false) ?? [];
      const data = map.length ? encodePairs(map) : EMPTY;
      return m().copyOut(data, pp, sp) ? S.OK : S.INVALID_MEMORY_ACCESS;
    },

    proxy_set_header_map_pairs(type: number, dp: number, ds: number): number {
      if (type >>> 0 > MAP_TYPE_MAX) return S.BAD_ARGUMENT;
      const data = m().read(dp, ds);
      if (data === null) return S.INVALID_MEMORY_ACCESS;
      const map = mapOf(vm.ctx(), type, true);
      if (!map) return S.BAD_ARGUMENT;
      map.length = 0;
      for (const [k, v] of decodePairs(data)) addHeader(map, keyFor(type, k), v);
      return S.OK;
    },

    proxy_get_header_map_size(type: number, sp: number): number {
      if (type >>> 0 > MAP_TYPE_MAX) return S.BAD_ARGUMENT;
      const map = mapOf(vm.ctx(), type, true);
      if (!map) return S.BAD_ARGUMENT;
      return m().writeU32(sp, byteSize(map)) ? S.OK : S.INVALID_MEMORY_ACCESS;
    },

    proxy_add_header_map_value(type: number, kp: number, ks: number, vp: number, vs: number): number {
      return edit(type, kp, ks, vp, vs, addHeader);
    },

    proxy_replace_header_map_value(type: number, kp: number, ks: number, vp: number, vs: number): number {
      return edit(type, kp, ks, vp, vs, replaceHeader);
    },

    proxy_remove_header_map_value(type: number, kp: number, ks: number): number {
      if (type >>> 0 > MAP_TYPE_MAX) return S.BAD_ARGUMENT;
      const key = m().readString(kp, ks);
      if (key === null) return S.INVALID_MEMORY_ACCESS;
      const map = mapOf(vm.ctx(), type, true);
      if (!map) return S.BAD_ARGUMENT;
      removeHeader(map, keyFor(type, key));
      return S.OK;
    },

    proxy_get_buffer_bytes(type: number, start: number, max: number, pp: number, sp: number): number {
      if (type >>> 0 > BUFFER_TYPE_MAX) return S.BAD_ARGUMENT;
      const buf = bufferOf(vm, vm.ctx(), type);
      if (!buf) return S.NOT_FOUND;
      start >>>= 0;
      max >>>= 0;
      const size = buf.data.length;
      if (start > size) return S.BAD_ARGUMENT;
      const len = Math.min(max, size - start);
      // cpp-host returns OK without touching the return pointers when there is nothing to copy.
      if (len === 0) return S.OK;
      return m().copyOut(buf.data.subarray(start, start + len), pp, sp) ? S.OK : S.INVALID_MEMORY_ACCESS;
    },

    proxy_get_buffer_status(type: number, lp: number, fp: number): number {
      if (type >>> 0 > BUFFER_TYPE_MAX) return S.BAD_ARGUMENT;
      const buf = bufferOf(vm, vm.ctx(), type);
      if (!buf) return S.NOT_FOUND;
      return m().writeU32(lp, buf.data.length) && m().writeU32(fp, 0) ? S.OK : S.INVALID_MEMORY_ACCESS;
    },

    proxy_set_buffer_bytes(type: number, start: number, length: number, dp: number, ds: number): number {
      if (type >>> 0 > BUFFER_TYPE_MAX) return S.BAD_ARGUMENT;
      const buf = bufferOf(vm, vm.ctx(), type);
      if (!buf) return S.NOT_FOUND;
      const data = m().read(dp, ds);
      if (data === null) return S.INVALID_MEMORY_ACCESS;
      if (!buf.mutable) return S.BAD_ARGUMENT;
      start >>>= 0;
      length >>>= 0;
      const cur = buf.data;
      // Envoy's Buffer::copyFrom: start 0 drains `length` bytes then prepends; start at/after the
      // end appends; anything in the middle is refused.
      if (start === 0) {
        const rest = cur.subarray(Math.min(length, cur.length));
        const out = new Uint8Array(data.length + rest.length);
        out.set(data, 0);
        out.set(rest, data.length);
        buf.data = out;
      } else if (start >= cur.length) {
        const out = new Uint8Array(cur.length + data.length);
        out.set(cur, 0);
        out.set(data, cur.length);
        buf.data = out;
      } else {
        return S.BAD_ARGUMENT;
      }
      return S.OK;
    },

    proxy_continue_stream(type: number): number {
      if (type >>> 0 > STREAM_TYPE_MAX) return S.BAD_ARGUMENT;
      return vm.ctx().continueStream(type);
    },

    proxy_close_stream(type: number): number {
      if (type >>> 0 > STREAM_TYPE_MAX) return S.BAD_ARGUMENT;
      return vm.ctx().closeStream(type);
    },

    proxy_send_local_response(
      status: number,
      dp: number,
      ds: number,
      bp: number,
      bs: number,
      hp: number,
      hs: number,
      grpc: number,
    ): number {
      const details = m().read(dp, ds),
        body = m().read(bp, bs),
        headers = m().read(hp, hs);
      if (details === null || body === null || headers === null) return S.INVALID_MEMORY_ACCESS;
      const pairs: Pair[] = [];
      for (const [k, v] of decodePairs(headers)) addHeader(pairs, k, v);
      vm.ctx().sendLocalResponse({
        status: status >>> 0,
        details: text(details),
        body,
        bodyText: text(body),
        headers: pairs,
        grpcStatus: (grpc | 0) < 0 ? null : grpc >>> 0,
      });
      return S.OK;
    },

    proxy_get_status(codePtr: number, mpp: number, msp: number): number {
      const [code, msg] = vm.ctx().plugin.status;
      if (!m().writeU32(codePtr, code)) return S.INVALID_MEMORY_ACCESS;
      return m().copyOut(enc.encode(msg), mpp, msp) ? S.OK : S.INVALID_MEMORY_ACCESS;
    },

    proxy_set_effective_context(id: number): number {
      const c = vm.contexts.get(id >>> 0);
      if (!c) return S.BAD_ARGUMENT;
      vm.effective = c;
      return S.OK;
    },

    proxy_done(): number {
      return vm.ctx().done();
    },
  };

  function edit(
    type: number,
    kp: number,
    ks: number,
    vp: number,
    vs: number,
    op: (m: Pair[], k: string, v: string) => void,
  ): number {
    if (type >>> 0 > MAP_TYPE_MAX) return S.BAD_ARGUMENT;
    const key = m().readString(kp, ks),
      value = m().readString(vp, vs);
    if (key === null || value === null) return S.INVALID_MEMORY_ACCESS;
    const map = mapOf(vm.ctx(), type, true);
    if (!map) return S.BAD_ARGUMENT;
    op(map, keyFor(type, key), value);
    return S.OK;
  }
}
