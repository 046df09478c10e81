// The import object a module is linked against: "env" with every proxy_* function of ABI
// v0.2.1, and the listed WASI functions under both WASI module names. Every env function
// first asks the proxy's host-call hook (fault injection installs one) whether to run at all.
import type { AbiVm } from "./abi-context.js";
import { ENV_IMPORTS, WASI_MODULES } from "../wasm/abi-table.js";
import { callImports } from "./env-calls.js";
import { stateImports } from "./env-state.js";
import { streamImports } from "./env-streams.js";
import { RestrictedCallError } from "../wasm/errors.js";
import { LOOP_IMPORT } from "../wasm/loop-limit.js";
import { wasiImports } from "./wasi.js";

type HostFn = (...args: never[]) => unknown;

export function buildImports(vm: AbiVm): WebAssembly.Imports {
  const all: Record<string, HostFn> = { ...streamImports(vm), ...callImports(vm), ...stateImports(vm) };
  const env: Record<string, HostFn> = {};
  for (const name of Object.keys(ENV_IMPORTS)) {
    const fn = all[name];
    if (!fn) throw new Error(`host bug: ${name} is not implemented`);
    env[name] = (...args: never[]) => {
      const hook = vm.host.hostCallHook;
      if (hook !== null && !vm.initializing) {
        const status = hook(name, vm.vmId, vm.contextId());
        if (status !== undefined) return status;
      }
      // cpp-host traps ("restricted_callback") on anything but logging while _initialize runs.
      if (vm.initializing && name !== "proxy_log") throw new RestrictedCallError(`env.${name}`);
      if (!vm.initializing) vm.host.beforeHostCall?.(name, vm);
      return fn(...args);
    };
  }
  const budget = vm.loopBudget;
  if (budget) env[LOOP_IMPORT] = () => budget.tick();
  const wasi = wasiImports(vm);
  const imports: WebAssembly.Imports = { env };
  for (const mod of WASI_MODULES) imports[mod] = wasi;
  return imports;
}
