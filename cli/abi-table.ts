// Loads the repository's ABI table (abi/v0.2.1.json). It is found by walking up from this
// file, so the same code works from cli/ (tests) and from dist/cli/ (the published bin).
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
  sdk?: string; // the SDK helper covering it (added by the lead; may be missing)
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
