// The WASI functions ABI v0.2.1 lists, as cpp-host implements them: stdout/stderr become
// logs, time is the Host's clock, no arguments, environment from the Host options.
import { randomFillSync } from "node:crypto";
import { WasiErrno as E } from "../wasm/abi.js";
import type { AbiVm } from "./abi-context.js";
import { ProcExitError } from "../wasm/errors.js";

const MAX_RANDOM = 65536;

export function wasiImports(vm: AbiVm) {
  const m = () => vm.memory;
  const host = vm.host;
  const envStrings = () => Object.entries(host.env).map(([k, v]) => new TextEncoder().encode(`${k}=${v}\0`));

  return {
    fd_write(fd: number, iovs: number, n: number, nwp: number): number {
      const level = fd === 1 ? 2 : fd === 2 ? 4 : -1;
      if (level < 0) return E.BADF;
      const parts: Uint8Array[] = [];
      for (let i = 0; i < n >>> 0; i++) {
        const base = m().readU32(iovs + i * 8),
          len = m().readU32(iovs + i * 8 + 4);
        if (base === null || len === null) return E.FAULT;
        if (len === 0) continue;
        const b = m().read(base, len);
        if (b === null) return E.FAULT;
        parts.push(b);
      }
      let s = new TextDecoder().decode(Buffer.concat(parts));
      const written = Buffer.concat(parts).length;
      if (s.endsWith("\n")) s = s.slice(0, -1);
      if (written) vm.log(level, s);
      return m().writeU32(nwp, written) ? E.SUCCESS : E.FAULT;
    },

    clock_time_get(id: number, _precision: bigint, p: number): number {
      let t: bigint;
      if (id === 0) t = host.now;
      else if (id === 1) t = host.now - host.startNs;
      else return E.NOTSUP;
      return m().writeU64(p, t) ? E.SUCCESS : E.FAULT;
    },

    random_get(p: number, n: number): number {
      n >>>= 0;
      if (n > MAX_RANDOM) return E.INVAL;
      const b = new Uint8Array(n);
      randomFillSync(b);
      return m().write(p, b) ? E.SUCCESS : E.FAULT;
    },

    environ_sizes_get(cp: number, sp: number): number {
      const all = envStrings();
      const size = all.reduce((a, b) => a + b.length, 0);
      return m().writeU32(cp, all.length) && m().writeU32(sp, size) ? E.SUCCESS : E.FAULT;
    },

    environ_get(ap: number, bp: number): number {
      for (const s of envStrings()) {
        if (!m().writeU32(ap, bp) || !m().write(bp, s)) return E.FAULT;
        ap += 4;
        bp += s.length;
      }
      return E.SUCCESS;
    },

    args_sizes_get(cp: number, sp: number): number {
      return m().writeU32(cp, 0) && m().writeU32(sp, 0) ? E.SUCCESS : E.FAULT;
    },

    args_get(_ap: number, _bp: number): number {
      return E.SUCCESS;
    },

    proc_exit(code: number): void {
      throw new ProcExitError(code);
    },
  };
}
