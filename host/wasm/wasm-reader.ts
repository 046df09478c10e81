// A small reader for the parts of a wasm binary the conformance check needs: types,
// imports, defined functions, memories and exports. Code and data are skipped unread.
import { ByteCursor, WasmReadError } from "./wasm-bytes.js";

export { WasmReadError } from "./wasm-bytes.js";

export type ExternKind = "func" | "table" | "memory" | "global" | "tag";

export interface FuncType {
  params: string[];
  results: string[];
}

// GC-proposal struct/array types occupy type indices too; they are kept as null.
export type TypeEntry = FuncType | null;

export interface WasmImport {
  module: string;
  name: string;
  kind: ExternKind;
  type?: FuncType; // only for kind "func"
}

export interface WasmExport {
  name: string;
  kind: ExternKind;
  index: number;
  type?: FuncType; // only for kind "func"
}

export interface WasmModule {
  types: TypeEntry[];
  imports: WasmImport[];
  functions: number[]; // type index of each function the module defines
  memories: number; // memories the module defines (imported ones not counted)
  /** The limits of each memory the module defines, in 64 KiB pages. */
  memoryLimits: MemoryLimits[];
  exports: WasmExport[];
}

export interface MemoryLimits {
  initial: number;
  maximum?: number;
  /** memory64 */
  wide: boolean;
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
const KINDS: ExternKind[] = ["func", "table", "memory", "global", "tag"];

const VALTYPES: Record<number, string> = {
  0x7f: "i32",
  0x7e: "i64",
  0x7d: "f32",
  0x7c: "f64",
  0x7b: "v128",
  0x70: "funcref",
  0x6f: "externref",
  0x69: "exnref",
  0x6e: "anyref",
  0x6d: "eqref",
  0x6c: "i31ref",
  0x6b: "structref",
  0x6a: "arrayref",
  0x71: "nullref",
  0x72: "nullexternref",
  0x73: "nullfuncref",
  0x74: "nullexnref",
};

function valType(c: ByteCursor): string {
  const at = c.pos;
  const code = c.u8("a value type");
  if (code in VALTYPES) return VALTYPES[code];
  if (code === 0x63 || code === 0x64) {
    const heap = c.varS("a heap type");
    const target = heap >= 0 ? String(heap) : (VALTYPES[heap & 0x7f] ?? `heap${heap}`).replace(/ref$/, "");
    return code === 0x63 ? `(ref null ${target})` : `(ref ${target})`;
  }
  throw new WasmReadError(`malformed: unknown value type 0x${code.toString(16)} (offset ${at})`);
}

function vec<T>(c: ByteCursor, what: string, item: () => T): T[] {
  const n = c.varU(`the count of ${what}`);
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(item());
  return out;
}

function funcType(c: ByteCursor): FuncType {
  return { params: vec(c, "parameters", () => valType(c)), results: vec(c, "results", () => valType(c)) };
}

function fieldType(c: ByteCursor): void {
  const code = c.bytes[c.pos];
  if (code === 0x78 || code === 0x77)
    c.u8(); // packed i8 / i16
  else valType(c);
  c.u8("a field mutability");
}

function compositeType(c: ByteCursor): TypeEntry {
  const at = c.pos;
  const form = c.u8("a type form");
  if (form === 0x60) return funcType(c);
  if (form === 0x5f) {
    vec(c, "struct fields", () => fieldType(c));
    return null;
  }
  if (form === 0x5e) {
    fieldType(c);
    return null;
  }
  throw new WasmReadError(`malformed: unknown type form 0x${form.toString(16)} (offset ${at})`);
}

function subType(c: ByteCursor): TypeEntry {
  const code = c.bytes[c.pos];
  if (code === 0x50 || code === 0x4f) {
    c.u8();
    vec(c, "supertypes", () => c.varU("a supertype index"));
  }
  return compositeType(c);
}

function typeSection(c: ByteCursor): TypeEntry[] {
  const out: TypeEntry[] = [];
  const n = c.varU("the count of types");
  for (let i = 0; i < n; i++) {
    if (c.bytes[c.pos] === 0x4e) {
      c.u8();
      out.push(...vec(c, "a recursion group", () => subType(c)));
    } else out.push(subType(c));
  }
  return out;
}

function limits(c: ByteCursor): MemoryLimits {
  const flags = c.u8("memory or table limits");
  const wide = (flags & 0x04) !== 0; // memory64 / table64 use u64 bounds
  const initial = c.varU("a minimum size", wide ? 10 : 5);
  const out: MemoryLimits = { initial, wide };
  if (flags & 0x01) out.maximum = c.varU("a maximum size", wide ? 10 : 5);
  return out;
}

function importSection(c: ByteCursor, types: TypeEntry[]): WasmImport[] {
  return vec(c, "imports", () => {
    const module = c.name("an import module name");
    const name = c.name("an import name");
    const at = c.pos;
    const kind = KINDS[c.u8("an import kind")];
    const imp: WasmImport = { module, name, kind };
    if (kind === "func") imp.type = funcTypeAt(types, c.varU("a type index"), `import ${module}.${name}`);
    else if (kind === "table") {
      valType(c);
      limits(c);
    } else if (kind === "memory") limits(c);
    else if (kind === "global") {
      valType(c);
      c.u8("a global mutability");
    } else if (kind === "tag") {
      c.u8("a tag attribute");
      c.varU("a type index");
    } else throw new WasmReadError(`malformed: unknown import kind (offset ${at})`);
    return imp;
  });
}

function funcTypeAt(types: TypeEntry[], index: number, who: string): FuncType {
  const t = types[index];
  if (!t) throw new WasmReadError(`malformed: ${who} refers to type ${index}, which is not a function type`);
  return t;
}

const SECTION_NAMES: Record<number, string> = { 1: "type", 2: "import", 3: "function", 5: "memory", 7: "export" };

/** Parses a wasm binary; throws WasmReadError for anything that is not a readable module. */
export function readWasm(bytes: Uint8Array): WasmModule {
  if (bytes.length === 0) throw new WasmReadError("not a WebAssembly module: the file is empty");
  const head = bytes.subarray(0, 4);
  if (head.length < 4 || !MAGIC.every((b, i) => head[i] === b)) {
    if (MAGIC.slice(0, head.length).every((b, i) => head[i] === b)) {
      throw new WasmReadError("truncated: the file ends inside the wasm header");
    }
    throw new WasmReadError("not a WebAssembly module: it does not start with the \\0asm magic bytes");
  }
  const c = new ByteCursor(bytes, 4);
  const version = c.take(4, "the wasm header");
  if (version[0] !== 1 || version[1] !== 0 || version[2] !== 0 || version[3] !== 0) {
    const layer = version[2] === 1 ? " (a component, not a core module; proxies load core modules only)" : "";
    throw new WasmReadError(`unsupported wasm binary version ${version[0] | (version[1] << 8)}${layer}`);
  }

  const mod: WasmModule = { types: [], imports: [], functions: [], memories: 0, memoryLimits: [], exports: [] };
  while (!c.done) {
    const id = c.u8("a section id");
    const size = c.varU("a section size");
    const what = `the ${SECTION_NAMES[id] ?? `#${id}`} section`;
    if (c.pos + size > bytes.length) {
      throw new WasmReadError(`truncated: ${what} needs ${size} bytes but the file ends after ${bytes.length - c.pos}`);
    }
    const s = new ByteCursor(bytes, c.pos, c.pos + size);
    c.pos += size;
    if (id === 1) mod.types = typeSection(s);
    else if (id === 2) mod.imports = importSection(s, mod.types);
    else if (id === 3) mod.functions = vec(s, "functions", () => s.varU("a type index"));
    else if (id === 5) {
      mod.memoryLimits = vec(s, "memories", () => limits(s));
      mod.memories = mod.memoryLimits.length;
    } else if (id === 7) mod.exports = vec(s, "exports", () => exportEntry(s));
    else continue; // custom, code, data and the rest: not needed
    if (s.pos !== s.end) throw new WasmReadError(`malformed: ${what} has ${s.end - s.pos} unexpected trailing bytes`);
  }
  resolveExportTypes(mod);
  return mod;
}

function exportEntry(c: ByteCursor): WasmExport {
  const name = c.name("an export name");
  const at = c.pos;
  const kind = KINDS[c.u8("an export kind")];
  if (!kind) throw new WasmReadError(`malformed: unknown kind of export "${name}" (offset ${at})`);
  return { name, kind, index: c.varU("an export index") };
}

// Function indices count imported functions first, then the module's own.
function resolveExportTypes(mod: WasmModule): void {
  const imported = mod.imports.filter((i) => i.kind === "func");
  for (const e of mod.exports) {
    if (e.kind !== "func") continue;
    if (e.index < imported.length) e.type = imported[e.index].type;
    else {
      const typeIndex = mod.functions[e.index - imported.length];
      if (typeIndex === undefined) {
        throw new WasmReadError(`malformed: export "${e.name}" refers to function ${e.index}, which does not exist`);
      }
      e.type = funcTypeAt(mod.types, typeIndex, `export "${e.name}"`);
    }
  }
}

/** "(i32, i32) -> i32"; "()" stands for no params or no results. */
export function formatSignature(t: FuncType): string {
  const results = t.results.length === 0 ? "()" : t.results.length === 1 ? t.results[0] : `(${t.results.join(", ")})`;
  return `(${t.params.join(", ")}) -> ${results}`;
}
