// The import object a module is linked against: "env" with every proxy_* function of ABI
// v0.2.1, and the listed WASI functions under both WASI module names.
import { ENV_IMPORTS, WASI_MODULES } from "./abi-table.js";
import { callImports } from "./env-calls.js";
import { stateImports } from "./env-state.js";
import { streamImports } from "./env-streams.js";
import { RestrictedCallError } from "./errors.js";
import { faultable } from "./faults.js";
import { LOOP_IMPORT } from "./loop-limit.js";
import type { Vm } from "./vm.js";
import { wasiImports } from "./wasi.js";

type HostFn = (...args: never[]) => unknown;

export function buildImports(vm: Vm): WebAssembly.Imports {
  const all: Record<string, HostFn> = { ...streamImports(vm), ...callImports(vm), ...stateImports(vm) };
  const env: Record<string, HostFn> = {};
  for (const name of Object.keys(ENV_IMPORTS)) {
    const fn = all[name];
    if (!fn) throw new Error(`host bug: ${name} is not implemented`);
    // cpp-host traps ("restricted_callback") on anything but logging while _initialize runs.
    env[name] = faultable(
      vm,
      name,
      name === "proxy_log"
        ? fn
        : (...args: never[]) => {
            if (vm.initializing) throw new RestrictedCallError(`env.${name}`);
            return fn(...args);
          },
    );
  }
  const budget = vm.loopBudget;
  if (budget) env[LOOP_IMPORT] = () => budget.tick();
  const wasi = wasiImports(vm);
  const imports: WebAssembly.Imports = { env };
  for (const mod of WASI_MODULES) imports[mod] = wasi;
  return imports;
}
