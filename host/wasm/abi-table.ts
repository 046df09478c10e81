// The ABI table (abi/v0.2.1.json): the one list of every host function and callback of ABI
// v0.2.1 with its wasm signature. The emulator links exactly its imports; the checker (cli/)
// checks modules against it. It is found by walking up from this file, so the same code works
// from the sources (tests) and from dist/ (the published package).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface AbiFunction {
  role: "import" | "export";
  module?: string; // imports only: "env" or "wasi_snapshot_preview1"
  name: string;
  params: string[];
  results: string[];
  section: string;
  deprecated?: boolean;
  note?: string;
  sdk?: string; // the SDK helper or context method covering it
}

export interface AbiTable {
  abi: string;
  source: string;
  functions: AbiFunction[];
  enums: Record<string, Record<string, number>>;
}

const RELATIVE = join("abi", "v0.2.1.json");

export function abiTablePath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, RELATIVE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find ${RELATIVE} above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

let cached: AbiTable | undefined;

export function loadAbiTable(): AbiTable {
  cached ??= JSON.parse(readFileSync(abiTablePath(), "utf8")) as AbiTable;
  return cached;
}

/** A signature in short form, "params:results" with i = i32 and I = i64 (e.g. "iI:i"). */
function shortSignature(f: AbiFunction): string {
  const letter = (t: string) => (t === "i64" ? "I" : "i");
  return `${f.params.map(letter).join("")}:${f.results.map(letter).join("")}`;
}

function importsOf(module: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of loadAbiTable().functions)
    if (f.role === "import" && f.module === module) out[f.name] = shortSignature(f);
  return out;
}

/** Every `env` host function with its short signature. */
export const ENV_IMPORTS: Record<string, string> = importsOf("env");
/** Every WASI function the spec lists, with its short signature. */
export const WASI_IMPORTS: Record<string, string> = importsOf("wasi_snapshot_preview1");
/** Both WASI module names cpp-host registers. */
export const WASI_MODULES = ["wasi_snapshot_preview1", "wasi_unstable"];

export function signatureOf(sig: string): { params: string[]; results: string[] } {
  const [p, r] = sig.split(":");
  const t = (c: string) => (c === "I" ? "i64" : "i32");
  return { params: [...p].map(t), results: [...r].map(t) };
}

export function expectedSignature(module: string, name: string): string | undefined {
  if (module === "env") return ENV_IMPORTS[name];
  if (WASI_MODULES.includes(module)) return WASI_IMPORTS[name];
  return undefined;
}
