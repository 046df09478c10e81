// Checks a wasm module against ABI v0.2.1: what it imports must exist in a proxy with the
// exact signature, and what it exports must include the entry points a proxy needs.
import { loadAbiTable, type AbiFunction } from "../host/wasm/abi-table.js";
import { groupCallbacks, type CallbackGroup } from "./callback-groups.js";
import { adviseUnknownImport, WASI_MODULES } from "./import-advice.js";
import {
  formatSignature,
  readWasm,
  type ExternKind,
  type FuncType,
  type WasmModule,
} from "../host/wasm/wasm-reader.js";

export type Severity = "error" | "warning";

export interface Finding {
  severity: Severity;
  subject: string; // the import/export concerned, e.g. "env.abort" or "proxy_on_tick"
  message: string;
}

export interface EntryLine {
  name: string; // "module.name" for imports
  kind: ExternKind;
  signature?: string; // functions only
  status: "ok" | Severity; // the worst finding about this entry
}

export interface ModuleReport {
  abi: string;
  conformant: boolean;
  exitCode: 0 | 1;
  imports: EntryLine[];
  exports: EntryLine[];
  callbacks: CallbackGroup[];
  findings: Finding[];
  errors: number;
  warnings: number;
}

/** Parses and checks a wasm binary. Throws WasmReadError when the bytes are not a readable module. */
export function checkModule(bytes: Uint8Array): ModuleReport {
  return checkParsedModule(readWasm(bytes));
}

const sameType = (a: FuncType, b: { params: string[]; results: string[] }) =>
  a.params.join() === b.params.join() && a.results.join() === b.results.join();

export function checkParsedModule(mod: WasmModule): ModuleReport {
  const table = loadAbiTable();
  const findings: Finding[] = [];
  const add = (severity: Severity, subject: string, message: string) => findings.push({ severity, subject, message });

  checkImports(mod, table.functions, add);
  checkExports(mod, table.functions, add);
  checkRequiredExports(mod, add);
  checkMemory(mod, add);

  // One pass over the findings, then one lookup per entry: linear in imports + findings.
  const worstBySubject = new Map<string, Severity>();
  for (const f of findings) if (worstBySubject.get(f.subject) !== "error") worstBySubject.set(f.subject, f.severity);
  const worst = (subject: string): EntryLine["status"] => worstBySubject.get(subject) ?? "ok";
  const line = (name: string, kind: ExternKind, type?: FuncType): EntryLine => ({
    name,
    kind,
    ...(type && { signature: formatSignature(type) }),
    status: worst(name),
  });
  const errors = findings.filter((f) => f.severity === "error").length;
  return {
    abi: table.abi,
    conformant: errors === 0,
    exitCode: errors === 0 ? 0 : 1,
    imports: mod.imports.map((i) => line(`${i.module}.${i.name}`, i.kind, i.type)),
    exports: mod.exports.map((e) => line(e.name, e.kind, e.type)),
    callbacks: groupCallbacks(
      new Set(mod.exports.filter((e) => e.kind === "func").map((e) => e.name)),
      table.functions,
    ),
    findings,
    errors,
    warnings: findings.length - errors,
  };
}

type Add = (severity: Severity, subject: string, message: string) => void;

/**
 * The most memory a proxy gives a VM: proxy-wasm-cpp-host's PROXY_WASM_HOST_MAX_WASM_MEMORY_SIZE_BYTES
 * (include/proxy-wasm/limits.h, 1 GiB), which its V8 engine sets as v8_flags.wasm_max_mem_pages
 * (src/v8/v8.cc) and its Wasmtime engine as the store limiter: a module declaring more initial
 * memory fails to instantiate in Envoy.
 */
export const PROXY_MAX_PAGES = (1024 * 1024 * 1024) / 65536;
/** The emulator's default (HostOptions.memoryLimitBytes, 256 MiB): loadVm and serve refuse more. */
export const EMULATOR_DEFAULT_MAX_PAGES = (256 * 1024 * 1024) / 65536;

function checkMemory(mod: WasmModule, add: Add): void {
  for (const m of mod.memoryLimits) {
    if (m.wide) {
      add("error", "memory", "a 64-bit memory (memory64): Proxy-Wasm hosts load 32-bit memories only");
    } else if (m.initial > PROXY_MAX_PAGES) {
      add(
        "error",
        "memory",
        `initial memory is ${m.initial} pages (${mib(m.initial)}), more than a proxy allows (${PROXY_MAX_PAGES} pages, 1 GiB: proxy-wasm-cpp-host's limit): the VM fails to start; lower the initial memory (asc --initialMemory)`,
      );
    } else if (m.initial > EMULATOR_DEFAULT_MAX_PAGES) {
      add(
        "warning",
        "memory",
        `initial memory is ${m.initial} pages (${mib(m.initial)}): a proxy allows it (up to 1 GiB), but the emulator refuses more than ${EMULATOR_DEFAULT_MAX_PAGES} pages unless memoryLimitBytes is raised, and every VM of every worker reserves it`,
      );
    }
  }
}

const mib = (pages: number) => `${(pages * 65536) / (1024 * 1024)} MiB`;

function checkImports(mod: WasmModule, abi: AbiFunction[], add: Add): void {
  const hostFns = abi.filter((f) => f.role === "import");
  const wasiNames = hostFns.filter((f) => f.module !== "env").map((f) => f.name);
  const byName = new Map(hostFns.map((f) => [`${f.module}.${f.name}`, f]));
  for (const imp of mod.imports) {
    const subject = `${imp.module}.${imp.name}`;
    // Envoy offers the same WASI functions under both WASI module names.
    const module = WASI_MODULES.includes(imp.module) ? "wasi_snapshot_preview1" : imp.module;
    const spec = imp.kind === "func" ? byName.get(`${module}.${imp.name}`) : undefined;
    if (!spec) {
      add("error", subject, adviseUnknownImport(imp, wasiNames));
    } else if (!sameType(imp.type!, spec)) {
      add(
        "error",
        subject,
        `imported as ${formatSignature(imp.type!)}, but ABI v0.2.1 defines ${formatSignature(spec)}: the module will fail to link`,
      );
    } else if (spec.deprecated) {
      add("warning", subject, deprecation(spec, abi));
    } else if (spec.note) {
      add("warning", subject, `accepted, but ${spec.note}: do not rely on its result`);
    }
  }
}

// The spec deprecates a function in favour of its section's non-deprecated sibling.
function replacementOf(spec: AbiFunction, abi: AbiFunction[]): AbiFunction | undefined {
  return abi.find((f) => f.role === spec.role && f.section === spec.section && !f.deprecated);
}

function deprecation(spec: AbiFunction, abi: AbiFunction[]): string {
  const other = replacementOf(spec, abi);
  if (!other) return "deprecated in ABI v0.2.1";
  return `deprecated in ABI v0.2.1: use ${other.module && other.module !== "env" ? `${other.module}.` : ""}${other.name} instead`;
}

function checkExports(mod: WasmModule, abi: AbiFunction[], add: Add): void {
  const callbacks = new Map(abi.filter((f) => f.role === "export").map((f) => [f.name, f]));
  const names = new Set(mod.exports.map((e) => e.name));
  for (const exp of mod.exports) {
    const spec = callbacks.get(exp.name);
    if (!spec) {
      if (exp.name.startsWith("proxy_on_")) {
        add(
          "warning",
          exp.name,
          "not a callback of ABI v0.2.1, so the host never calls it (a typo, or a callback of another ABI version?)",
        );
      }
      continue;
    }
    if (exp.kind !== "func") {
      add("error", exp.name, `exported as a ${exp.kind}, but ABI v0.2.1 defines a function ${formatSignature(spec)}`);
    } else if (!sameType(exp.type!, spec)) {
      add(
        "error",
        exp.name,
        `exported as ${formatSignature(exp.type!)}, but ABI v0.2.1 defines ${formatSignature(spec)}`,
      );
    } else if (spec.deprecated && !names.has(replacementOf(spec, abi)?.name ?? "")) {
      // Exporting both (malloc next to proxy_on_memory_allocate) is fine: hosts try either.
      add("warning", exp.name, deprecation(spec, abi));
    }
  }
}

function checkRequiredExports(mod: WasmModule, add: Add): void {
  const names = new Set(mod.exports.map((e) => e.name));
  if (!names.has("proxy_abi_version_0_2_1")) {
    const other = mod.exports.find((e) => e.name.startsWith("proxy_abi_version_"));
    add(
      "error",
      "proxy_abi_version_0_2_1",
      other
        ? `missing: the module advertises ${other.name} instead; build it against ABI v0.2.1`
        : "missing: export the empty function proxy_abi_version_0_2_1 so the proxy knows the module speaks ABI v0.2.1",
    );
  }
  if (!mod.exports.some((e) => e.kind === "memory")) {
    add(
      "error",
      "memory",
      "the module exports no memory, so the host cannot read or write its data: export it (do not build with --noExportMemory)",
    );
  }
  if (!names.has("proxy_on_memory_allocate") && !names.has("malloc")) {
    add(
      "error",
      "proxy_on_memory_allocate",
      "missing: the host needs it to hand data (headers, bodies, config) to the module",
    );
  }
  if (!names.has("_initialize") && !names.has("_start")) {
    add("error", "_initialize", "missing: export _initialize (or _start) so the proxy can initialise the module");
  }
  if (names.has("main") && !names.has("_initialize")) {
    add("warning", "main", "the host calls main only after _initialize, which the module does not export");
  }
}
