// Traps that name the TypeScript line: V8 reports a trap's wasm frames as
// `wasm-function[N]:0xOFFSET` (OFFSET counts bytes from the start of the module); asc's source
// map (v3, written beside the .wasm as FILE.wasm.map) maps those byte offsets to file:line:column.
// Only consulted when a filter traps; without a map the error stays as it was.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { sections } from "./wasm-binary.js";
import { ByteCursor } from "./wasm-bytes.js";
import { readWasm } from "./wasm-reader.js";

export interface SourceLocation {
  file: string;
  /** 1-based, as editors count. */
  line: number;
  column: number;
}

export interface WasmFrame {
  functionIndex: number;
  /** Byte offset in the module V8 compiled. */
  offset: number;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

/** Decodes one segment's base64 VLQ fields (sign in the low bit, 5 data bits per digit). */
export function decodeVlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = DIGIT.get(ch);
    if (digit === undefined) throw new Error(`source map: bad base64 digit "${ch}"`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    out.push(value & 1 ? -Math.floor(value / 2) : Math.floor(value / 2));
    value = 0;
    shift = 0;
  }
  if (shift !== 0) throw new Error("source map: a VLQ number is cut short");
  return out;
}

interface Segment {
  column: number;
  /** -1: the bytes from here on have no source. */
  source: number;
  line: number;
  sourceColumn: number;
}

/** A parsed v3 source map; for wasm the generated "column" is the byte offset (one line). */
export class SourceMap {
  private readonly segments: Segment[] = [];

  constructor(readonly sources: string[], mappings: string) {
    let column = 0, source = 0, line = 0, sourceColumn = 0;
    for (const group of mappings.split(";")) {
      column = 0; // the generated column restarts on every generated line
      for (const text of group.split(",")) {
        if (text === "") continue;
        const f = decodeVlq(text);
        column += f[0];
        if (f.length >= 4) {
          source += f[1];
          line += f[2];
          sourceColumn += f[3];
          this.segments.push({ column, source, line, sourceColumn });
        } else {
          this.segments.push({ column, source: -1, line: 0, sourceColumn: 0 });
        }
      }
    }
    this.segments.sort((a, b) => a.column - b.column);
  }

  static parse(json: string): SourceMap {
    const m = JSON.parse(json) as { version?: number; sources?: string[]; mappings?: string };
    if (m.version !== 3 || !Array.isArray(m.sources) || typeof m.mappings !== "string") {
      throw new Error("not a version 3 source map");
    }
    return new SourceMap(m.sources, m.mappings);
  }

  /**
   * The source of the last mapped segment at or before `offset` and not before `floor` (the
   * start of the function), for which `accept` holds. Bytes binaryen leaves unmapped (the
   * arguments and call of a compiler-made abort) take the position of the code before them.
   */
  lookup(offset: number, floor = 0, accept: (file: string) => boolean = () => true): SourceLocation | null {
    let lo = 0, hi = this.segments.length - 1, i = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.segments[mid].column <= offset) {
        i = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    for (; i >= 0 && this.segments[i].column >= floor; i--) {
      const s = this.segments[i];
      if (s.source < 0 || s.source >= this.sources.length || !accept(this.sources[s.source])) continue;
      return { file: this.sources[s.source], line: s.line + 1, column: s.sourceColumn + 1 };
    }
    return null;
  }
}

/** The wasm frames of an error's V8 stack, innermost first. */
export function wasmFrames(error: unknown): WasmFrame[] {
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  const out: WasmFrame[] = [];
  for (const m of stack.matchAll(/wasm-function\[(\d+)\]:0x([0-9a-f]+)/g)) {
    out.push({ functionIndex: Number(m[1]), offset: parseInt(m[2], 16) });
  }
  return out;
}

/** Where each defined function's body lies in the module, by function index (imports first). */
function functionBodies(bytes: Uint8Array): { codeStart: number; codeSize: number; bodies: Map<number, [number, number]> } | null {
  const code = sections(bytes).find((x) => x.id === 10);
  if (!code) return null;
  const imported = readWasm(bytes).imports.filter((i) => i.kind === "func").length;
  const c = new ByteCursor(bytes, code.payloadStart, code.end);
  const bodies = new Map<number, [number, number]>();
  const count = c.varU("the function count");
  for (let i = 0; i < count; i++) {
    const size = c.varU("a body size");
    bodies.set(imported + i, [c.pos, c.pos + size]);
    c.pos += size;
  }
  return { codeStart: code.payloadStart, codeSize: code.end - code.payloadStart, bodies };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const SKIP_DIRS = new Set(["node_modules", "dist", "coverage"]);

/**
 * A module given as bytes (the usual readFileSync in a test) carries no path: look for a
 * FILE.wasm.map under the working directory whose FILE.wasm has exactly these bytes.
 */
function findMapFor(bytes: Uint8Array, root: string): string | null {
  const queue: [string, number][] = [[root, 0]];
  let visited = 0;
  while (queue.length && visited < 500) {
    const [dir, depth] = queue.shift()!;
    visited++;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(dir, name);
      if (name.endsWith(".wasm.map")) {
        const wasm = path.slice(0, -4);
        try {
          if (statSync(wasm).size === bytes.length && sameBytes(new Uint8Array(readFileSync(wasm)), bytes)) return path;
        } catch {
          // no .wasm beside it
        }
      } else if (depth < 4 && !name.startsWith(".") && !SKIP_DIRS.has(name) && !name.includes(".")) {
        try {
          if (statSync(path).isDirectory()) queue.push([path, depth + 1]);
        } catch {
          // gone meanwhile
        }
      }
    }
  }
  return null;
}

interface Mapped {
  map: SourceMap;
  /** Added to V8's offsets (in the bytes it compiled) to get offsets in the file asc wrote. */
  shift: number;
  /** Each function's body in the file asc wrote. */
  bodies: Map<number, [number, number]>;
}

interface LoadedModule {
  /** The path, or the caller's bytes (not a copy). */
  source: Uint8Array | ArrayBuffer | string;
  /** Offset of the compiled module's code from the original's; null when the code itself changed. */
  shift: number | null;
  mapped?: Mapped | null;
}

const modules = new WeakMap<object, LoadedModule>();

function codeSection(bytes: Uint8Array) {
  return sections(bytes).find((x) => x.id === 10);
}

/**
 * Remembers what a VM was loaded from (a path or the bytes) and how the bytes V8 compiled sit
 * against them (the emulator rewrites the memory limits and drops custom sections; the loop
 * limit rewrites the code, which no map can follow), for a trap to be mapped later.
 */
export function rememberModule(vm: object, source: Uint8Array | ArrayBuffer | string, original: Uint8Array, compiled: Uint8Array): void {
  const a = codeSection(original), b = codeSection(compiled);
  const same = a && b && a.end - a.payloadStart === b.end - b.payloadStart;
  modules.set(vm, { source, shift: same ? a.payloadStart - b.payloadStart : null });
}

/** Where the map of a module with these bytes was found (null: nowhere), by the bytes' hash: one search per module. */
const searched = new Map<string, string | null>();

const keyOf = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

function mapPathFor(source: LoadedModule["source"], original: Uint8Array): string | null {
  if (typeof source === "string" && existsSync(`${source}.map`)) return `${source}.map`;
  const key = keyOf(original);
  if (!searched.has(key)) searched.set(key, findMapFor(original, process.cwd()));
  return searched.get(key)!;
}

/**
 * For a caller that loads a module's bytes but knows its file (serve): the map beside that
 * file is the one for these bytes, wherever the working folder is.
 */
export function useSourceMapBeside(bytes: Uint8Array, wasmPath: string): void {
  if (existsSync(`${wasmPath}.map`)) searched.set(keyOf(bytes), `${wasmPath}.map`);
}

function mappedModule(m: LoadedModule): Mapped | null {
  if (m.mapped !== undefined) return m.mapped;
  m.mapped = null;
  if (m.shift === null) return null;
  try {
    const original = typeof m.source === "string" ? new Uint8Array(readFileSync(m.source)) : new Uint8Array(m.source);
    const path = mapPathFor(m.source, original);
    if (!path) return null;
    const bodies = functionBodies(original);
    if (!bodies) return null;
    m.mapped = { map: SourceMap.parse(readFileSync(path, "utf8")), shift: m.shift, bodies: bodies.bodies };
  } catch {
    m.mapped = null;
  }
  return m.mapped;
}

export interface SourceFrame extends SourceLocation {
  /** The library code that trapped was inlined here: the nearest line of the filter's own code before it. */
  inlined: boolean;
}

const isLibrary = (file: string) => file.startsWith("~lib/");

/**
 * The trap's AssemblyScript stack, innermost first; [] when there is no source map. A frame in
 * library code (~lib/) that the optimizer inlined into the filter's own code is followed by the
 * filter's line it was inlined into.
 */
export function sourceStack(vm: object, trap: unknown): SourceFrame[] {
  const m = modules.get(vm);
  if (!m) return [];
  const frames = wasmFrames(trap);
  if (frames.length === 0) return [];
  const mapped = mappedModule(m);
  if (!mapped) return [];
  const out: SourceFrame[] = [];
  for (const f of frames) {
    const body = mapped.bodies.get(f.functionIndex);
    const floor = body ? body[0] : 0;
    const at = f.offset + mapped.shift;
    const loc = mapped.map.lookup(at, floor);
    if (!loc) continue;
    out.push({ ...loc, inlined: false });
    if (isLibrary(loc.file)) {
      const own = mapped.map.lookup(at, floor, (file) => !isLibrary(file));
      if (own) out.push({ ...own, inlined: true });
    }
  }
  return out;
}

/** The stack as lines to append to the trap's message ("" without a source map). */
export function describeSourceStack(vm: object, trap: unknown): string {
  return sourceStack(vm, trap)
    .map((l) => `\n    at ${l.file}:${l.line}:${l.column}${l.inlined ? " (inlined)" : ""}`)
    .join("");
}
