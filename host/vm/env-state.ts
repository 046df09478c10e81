// Host functions for logging, time, timers, shared data, queues, metrics, properties and
// foreign functions.
import { LOG_LEVEL_MAX, Status } from "../wasm/abi.js";
import type { AbiVm } from "./abi-context.js";
import { EMPTY, text, toBytes } from "../wasm/bytes.js";
import { ForeignStatus } from "../state/foreign-functions.js";

const S = Status;

export function stateImports(vm: AbiVm) {
  const m = () => vm.memory;
  const host = vm.host;

  return {
    proxy_log(level: number, p: number, s: number): number {
      if (level >>> 0 > LOG_LEVEL_MAX) return S.BAD_ARGUMENT;
      const msg = m().readString(p, s);
      if (msg === null) return S.INVALID_MEMORY_ACCESS;
      vm.log(level, msg);
      return S.OK;
    },

    proxy_get_log_level(p: number): number {
      return m().writeU32(p, host.logLevel) ? S.OK : S.INVALID_MEMORY_ACCESS;
    },

    proxy_get_current_time_nanoseconds(p: number): number {
      return m().writeU64(p, host.now) ? S.OK : S.INVALID_MEMORY_ACCESS;
    },

    proxy_set_tick_period_milliseconds(ms: number): number {
      // Envoy keeps the timer on the plugin (root) context, whichever context asks.
      vm.ctx().plugin.setTickPeriod(ms >>> 0);
      return S.OK;
    },

    proxy_set_shared_data(kp: number, ks: number, vp: number, vs: number, cas: number): number {
      const key = m().readString(kp, ks),
        value = m().read(vp, vs);
      if (key === null || value === null) return S.INVALID_MEMORY_ACCESS;
      return host.sharedData.set(key, value, { vmId: vm.vmId, cas: cas >>> 0 });
    },

    proxy_get_shared_data(kp: number, ks: number, vpp: number, vsp: number, casp: number): number {
      const key = m().readString(kp, ks);
      if (key === null) return S.INVALID_MEMORY_ACCESS;
      const e = host.sharedData.get(key, vm.vmId);
      if (!e) return S.NOT_FOUND;
      return m().copyOut(e.value, vpp, vsp) && m().writeU32(casp, e.cas) ? S.OK : S.INVALID_MEMORY_ACCESS;
    },

    proxy_register_shared_queue(np: number, ns: number, tp: number): number {
      const name = m().readString(np, ns);
      if (name === null) return S.INVALID_MEMORY_ACCESS;
      const plugin = vm.ctx().plugin;
      const token = host.queues.register(vm.vmId, name, { ready: (t) => plugin.queueReady(t) });
      return m().writeU32(tp, token) ? S.OK : S.INVALID_MEMORY_ACCESS;
    },

    proxy_resolve_shared_queue(vp: number, vs: number, np: number, ns: number, tp: number): number {
      const vmId = m().readString(vp, vs),
        name = m().readString(np, ns);
      if (vmId === null || name === null) return S.INVALID_MEMORY_ACCESS;
      const token = host.queues.resolve(vmId === "" ? vm.vmId : vmId, name);
      if (token === undefined) return S.NOT_FOUND;
      return m().writeU32(tp, token) ? S.OK : S.INVALID_MEMORY_ACCESS;
    },

    proxy_enqueue_shared_queue(token: number, dp: number, ds: number): number {
      const data = m().read(dp, ds);
      if (data === null) return S.INVALID_MEMORY_ACCESS;
      return host.queues.enqueueToken(token >>> 0, data);
    },

    proxy_dequeue_shared_queue(token: number, pp: number, sp: number): number {
      const r = host.queues.dequeueToken(token >>> 0);
      if (r.status !== S.OK) return r.status;
      return m().copyOut(r.data!, pp, sp) ? S.OK : S.INVALID_MEMORY_ACCESS;
    },

    proxy_define_metric(type: number, np: number, ns: number, idp: number): number {
      const name = m().readString(np, ns);
      if (name === null) return S.INVALID_MEMORY_ACCESS;
      const r = host.metrics.define(type >>> 0, name);
      if (r.status !== S.OK) return r.status;
      return m().writeU32(idp, r.id!) ? S.OK : S.INVALID_MEMORY_ACCESS;
    },

    proxy_record_metric(id: number, value: bigint): number {
      return host.metrics.record(id, value);
    },

    proxy_increment_metric(id: number, delta: bigint): number {
      return host.metrics.increment(id, BigInt.asIntN(64, delta));
    },

    proxy_get_metric(id: number, p: number): number {
      const r = host.metrics.read(id);
      if (r.status !== S.OK) return r.status;
      return m().writeU64(p, r.value!) ? S.OK : S.INVALID_MEMORY_ACCESS;
    },

    proxy_get_property(pp: number, ps: number, vpp: number, vsp: number): number {
      const path = m().read(pp, ps);
      if (path === null) return S.INVALID_MEMORY_ACCESS;
      const v = vm.ctx().lookupProperty(pathKey(path));
      if (v === undefined) return S.NOT_FOUND;
      return m().copyOut(v, vpp, vsp) ? S.OK : S.INVALID_MEMORY_ACCESS;
    },

    proxy_set_property(pp: number, ps: number, vp: number, vs: number): number {
      const path = m().read(pp, ps),
        value = m().read(vp, vs);
      if (path === null || value === null) return S.INVALID_MEMORY_ACCESS;
      return vm.ctx().setPropertyFromFilter(pathKey(path), value);
    },

    proxy_call_foreign_function(np: number, ns: number, ap: number, as: number, rpp: number, rsp: number): number {
      const name = m().readString(np, ns),
        args = m().read(ap, as);
      if (name === null || args === null) return S.INVALID_MEMORY_ACCESS;
      const fn = host.foreignFunctions.get(name);
      if (!fn) return S.NOT_FOUND;
      const out = fn(args, { vmId: vm.vmId, contextId: vm.ctx().id, context: vm.ctx() });
      if (out instanceof ForeignStatus) return out.status;
      const result = out === undefined || out === null ? EMPTY : toBytes(out);
      let ptr = 0;
      if (rpp !== 0 && result.length > 0) {
        const p = m().alloc(result);
        if (p === null) return S.INVALID_MEMORY_ACCESS;
        ptr = p;
      }
      if (rpp !== 0 && !m().writeU32(rpp, ptr)) return S.INVALID_MEMORY_ACCESS;
      if (rsp !== 0 && !m().writeU32(rsp, result.length)) return S.INVALID_MEMORY_ACCESS;
      return S.OK;
    },
  };
}

/** Segments joined by NUL; a trailing NUL (some SDKs add one) is ignored like Envoy does. */
function pathKey(path: Uint8Array): string {
  const s = text(path);
  return s.endsWith("\0") ? s.slice(0, -1) : s;
}
