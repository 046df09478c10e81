// What to tell a user about an import no proxy provides. The advice is specific where the
// cause is known (AssemblyScript's runtime imports, console/Date bindings) and generic otherwise.
import type { WasmImport } from "../host/wasm/wasm-reader.js";

export const WASI_MODULES = ["wasi_snapshot_preview1", "wasi_unstable"];

const AS_RUNTIME = ["abort", "trace", "seed"];

const NON_FUNC: Record<string, string> = {
  memory: "a proxy provides no memory to import: the module must define and export its own (drop --importMemory)",
  table: "a proxy provides no table to import: let the module define its own (drop --importTable)",
  global: "a proxy provides no globals to import: define the value inside the module",
  tag: "a proxy provides no exception tags to import: define them inside the module",
};

/** Why `imp` cannot link in a proxy and what to do; `wasiNames` are the WASI calls the ABI lists. */
export function adviseUnknownImport(imp: WasmImport, wasiNames: string[]): string {
  const { module, name } = imp;
  if (imp.kind !== "func") return NON_FUNC[imp.kind];
  if (module === "env") {
    if (AS_RUNTIME.includes(name)) {
      return `AssemblyScript's runtime imports env.${name} but no proxy provides it: make your asconfig.json extend "proxy-wasm-as/asconfig.json", which remaps abort, trace and seed`;
    }
    if (name.startsWith("console.")) return `no proxy provides ${name}: use the SDK's log helpers instead of console`;
    if (name.startsWith("Date.")) return `no proxy provides ${name}: use the SDK's time helpers instead of Date`;
    if (name.startsWith("proxy_")) {
      return `${name} is not a host function of ABI v0.2.1 (a typo, or a function of another ABI version): remove its @external declaration`;
    }
    return `the proxy's env module holds only the ABI's proxy_* functions: remove the @external declaration or the code that needs ${name}`;
  }
  if (WASI_MODULES.includes(module)) {
    return `proxies offer only the WASI functions the ABI lists (${wasiNames.join(", ")}): remove the code that calls ${name}`;
  }
  return `a proxy has no module "${module}" (it offers env with the proxy_* functions, and ${WASI_MODULES.join(" / ")}): remove the code that imports it`;
}
