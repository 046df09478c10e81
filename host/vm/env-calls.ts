// Host functions for outgoing HTTP and gRPC calls. Calls belong to the plugin (root) context
// of whichever context made them; the test answers them through the Host.
import { Status } from "../wasm/abi.js";
import type { AbiVm } from "./abi-context.js";
import { text } from "../wasm/bytes.js";
import { getHeader, normalizeRequestHeaders } from "../wasm/headers.js";
import { decodePairs } from "../wasm/pairs.js";

const S = Status;

export function callImports(vm: AbiVm) {
  const m = () => vm.memory;
  const host = vm.host;
  const known = (upstream: string) => !host.clusters || host.clusters.includes(upstream);

  return {
    proxy_http_call(
      up: number,
      us: number,
      hp: number,
      hs: number,
      bp: number,
      bs: number,
      tp: number,
      ts: number,
      timeout: number,
      tokenPtr: number,
    ): number {
      const c = vm.ctx();
      const upstream = m().read(up, us),
        headers = m().read(hp, hs),
        body = m().read(bp, bs),
        trailers = m().read(tp, ts);
      if (upstream === null || headers === null || body === null || trailers === null) return S.INVALID_MEMORY_ACCESS;
      // Like cpp-host: prove the token pointer is writable before starting anything.
      if (!m().writeU32(tokenPtr, 0)) return S.INVALID_MEMORY_ACCESS;
      if ((timeout | 0) < 0) return S.BAD_ARGUMENT;
      const name = text(upstream);
      if (!known(name)) return S.BAD_ARGUMENT;
      // The call's headers are a request map: a "host" header counts as ":authority".
      const h = normalizeRequestHeaders(decodePairs(headers));
      if (
        getHeader(h, ":method") === undefined ||
        getHeader(h, ":path") === undefined ||
        getHeader(h, ":authority") === undefined
      ) {
        return S.BAD_ARGUMENT;
      }
      const p = c.plugin;
      const token = host.calls.httpToken();
      host.calls.http.set(token, {
        plugin: p,
        deadline: timeout >>> 0 > 0 ? host.now + BigInt(timeout >>> 0) * 1_000_000n : null,
        view: {
          token,
          upstream: name,
          headers: h,
          body,
          bodyText: text(body),
          trailers: decodePairs(trailers),
          timeoutMs: timeout >>> 0,
          rootContextId: p.id,
          rootId: p.rootId,
          callerContextId: c.id,
          vmId: vm.vmId,
        },
      });
      m().writeU32(tokenPtr, token);
      return S.OK;
    },

    proxy_grpc_call(
      up: number,
      us: number,
      sp: number,
      ss: number,
      mp: number,
      ms: number,
      hp: number,
      hs: number,
      bp: number,
      bs: number,
      timeout: number,
      tokenPtr: number,
    ): number {
      const c = vm.ctx();
      const upstream = m().read(up, us),
        service = m().read(sp, ss),
        method = m().read(mp, ms),
        md = m().read(hp, hs),
        msg = m().read(bp, bs);
      if (upstream === null || service === null || method === null || md === null || msg === null)
        return S.INVALID_MEMORY_ACCESS;
      const name = text(upstream);
      if (!known(name)) return S.PARSE_FAILURE;
      const p = c.plugin;
      const token = host.calls.grpcToken(false);
      if (!m().writeU32(tokenPtr, token)) return S.INVALID_MEMORY_ACCESS;
      host.calls.grpc.set(token, {
        plugin: p,
        view: {
          token,
          upstream: name,
          service: text(service),
          method: text(method),
          initialMetadata: decodePairs(md),
          message: msg,
          timeoutMs: timeout >>> 0,
          rootContextId: p.id,
          rootId: p.rootId,
          callerContextId: c.id,
          vmId: vm.vmId,
        },
      });
      return S.OK;
    },

    proxy_grpc_stream(
      up: number,
      us: number,
      sp: number,
      ss: number,
      mp: number,
      ms: number,
      hp: number,
      hs: number,
      tokenPtr: number,
    ): number {
      const c = vm.ctx();
      const upstream = m().read(up, us),
        service = m().read(sp, ss),
        method = m().read(mp, ms),
        md = m().read(hp, hs);
      if (upstream === null || service === null || method === null || md === null) return S.INVALID_MEMORY_ACCESS;
      const name = text(upstream);
      if (!known(name)) return S.PARSE_FAILURE;
      const p = c.plugin;
      const token = host.calls.grpcToken(true);
      if (!m().writeU32(tokenPtr, token)) return S.INVALID_MEMORY_ACCESS;
      host.calls.streams.set(token, {
        plugin: p,
        view: {
          token,
          upstream: name,
          service: text(service),
          method: text(method),
          initialMetadata: decodePairs(md),
          sent: [],
          localClosed: false,
          rootContextId: p.id,
          rootId: p.rootId,
          callerContextId: c.id,
          vmId: vm.vmId,
        },
      });
      return S.OK;
    },

    proxy_grpc_send(token: number, dp: number, ds: number, endStream: number): number {
      token >>>= 0;
      const data = m().read(dp, ds);
      if (data === null) return S.INVALID_MEMORY_ACCESS;
      if (host.calls.grpc.has(token)) return S.BAD_ARGUMENT; // a unary call, not a stream
      const s = host.calls.streams.get(token);
      if (!s) return S.NOT_FOUND;
      s.view.sent.push({ message: data, text: text(data), endStream: endStream !== 0 });
      if (endStream) s.view.localClosed = true;
      return S.OK;
    },

    proxy_grpc_cancel(token: number): number {
      token >>>= 0;
      if (host.calls.grpc.delete(token) || host.calls.streams.delete(token)) return S.OK;
      return S.NOT_FOUND;
    },

    proxy_grpc_close(token: number): number {
      token >>>= 0;
      if (host.calls.grpc.delete(token)) return S.OK; // closing a unary call cancels it
      const s = host.calls.streams.get(token);
      if (!s) return S.NOT_FOUND;
      s.view.localClosed = true;
      return S.OK;
    },
  };
}
