// Traps that name the TypeScript line and function: V8 reports a trap's wasm frames as
// `wasm-function[N]:0xOFFSET` (OFFSET counts bytes from the start of the module); asc's source
// map (v3, written beside the .wasm as FILE.wasm.map) maps those byte offsets to file:line:column,
// and the SDK's release transform (asc-transform/release-binary.js) adds the function names by
// index and each function's source range, which name the frames, the inlined ones included.
// The map is decoded by @jridgewell/trace-mapping. Only consulted when a filter traps; without a
// map the error stays as it was.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { decodedMappings, TraceMap } from "@jridgewell/trace-mapping";
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

/** A compiled function's source range (1-based, both ends included), internal name and callers. */
interface Scope {
  file: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  name: string;
  /** Indexes of the scopes whose functions call this one (before inlining). */
  callers: number[];
}

const before = (l1: number, c1: number, l2: number, c2: number) => l1 < l2 || (l1 === l2 && c1 <= c2);
const inside = (s: Scope, l: SourceLocation) =>
  s.file === l.file &&
  before(s.startLine, s.startColumn, l.line, l.column) &&
  before(l.line, l.column, s.endLine, s.endColumn);

/** A v3 source map of a wasm module: the generated "column" is the byte offset (one line). */
export class SourceMap {
  readonly sources: readonly string[];
  /** Segments of the one generated line: [offset] or [offset, source, line, column, name?]. */
  private readonly segments: readonly (readonly number[])[];
  /** Internal function names by wasm function index, when the SDK's transform wrote them. */
  readonly functions: readonly string[] | null;
  private readonly scopes: readonly Scope[];

  constructor(map: string | object) {
    const raw = (typeof map === "string" ? JSON.parse(map) : map) as Record<string, unknown>;
    if (
      raw.version !== 3 ||
      !Array.isArray(raw.sources) ||
      (typeof raw.mappings !== "string" && !Array.isArray(raw.mappings))
    ) {
      throw new Error("not a version 3 source map");
    }
    const traced = new TraceMap(raw as unknown as ConstructorParameters<typeof TraceMap>[0]);
    this.sources = traced.sources.map((s) => s ?? "");
    this.segments = decodedMappings(traced)[0] ?? [];
    this.functions = Array.isArray(raw.x_proxy_wasm_as_functions) ? (raw.x_proxy_wasm_as_functions as string[]) : null;
    const scopes = Array.isArray(raw.x_proxy_wasm_as_scopes) ? (raw.x_proxy_wasm_as_scopes as unknown[][]) : [];
    const wellFormed = scopes.every(
      (s) =>
        s.length === 7 &&
        typeof s[5] === "string" &&
        Array.isArray(s[6]) &&
        typeof this.sources[s[0] as number] === "string",
    );
    this.scopes = wellFormed
      ? scopes.map(
          ([source, startLine, startColumn, endLine, endColumn, name, callers]) =>
            ({
              file: this.sources[source as number],
              startLine,
              startColumn,
              endLine,
              endColumn,
              name,
              callers,
            }) as Scope,
        )
      : [];
  }

  static parse(json: string): SourceMap {
    return new SourceMap(json);
  }

  /**
   * The source of the last mapped segment at or before `offset` and not before `floor` (the
   * start of the function), for which `accept` holds. Bytes binaryen leaves unmapped (the
   * arguments and call of a compiler-made abort) take the position of the code before them.
   */
  lookup(offset: number, floor = 0, accept: (at: SourceLocation) => boolean = () => true): SourceLocation | null {
    return this.find(offset, floor, accept)?.at ?? null;
  }

  /** As lookup, with the byte offset of the segment found. */
  find(
    offset: number,
    floor: number,
    accept: (at: SourceLocation) => boolean,
  ): { at: SourceLocation; offset: number } | null {
    const segs = this.segments;
    let lo = 0,
      hi = segs.length - 1,
      i = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (segs[mid][0] <= offset) {
        i = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    for (; i >= 0 && segs[i][0] >= floor; i--) {
      const s = segs[i];
      if (s.length < 4 || s[1] >= this.sources.length) continue;
      const at = { file: this.sources[s[1]], line: s[2] + 1, column: s[3] + 1 };
      if (accept(at)) return { at, offset: s[0] };
    }
    return null;
  }

  /** The scopes whose functions call `scope`'s directly (before inlining). */
  callers(scope: Scope): Set<Scope> {
    return new Set(scope.callers.map((i) => this.scopes[i]).filter((s) => s !== undefined));
  }

  /** The scopes whose functions call `scope`'s, directly or through others (before inlining). */
  ancestors(scope: Scope): Set<Scope> {
    const out = new Set<Scope>();
    const queue = [scope];
    while (queue.length) {
      for (const i of queue.shift()!.callers) {
        const caller = this.scopes[i];
        if (caller && !out.has(caller)) {
          out.add(caller);
          queue.push(caller);
        }
      }
    }
    return out;
  }

  /**
   * The innermost compiled functions whose source range holds `at`: one, or several instances
   * of one generic function (Array<i32>#__get and Array<String>#__get share their source).
   */
  scopesAt(at: SourceLocation): Scope[] {
    let best: Scope[] = [];
    for (const s of this.scopes) {
      if (!inside(s, at)) continue;
      const b = best[0];
      if (!b || (b.startLine === s.startLine && b.startColumn === s.startColumn)) best.push(s);
      else if (before(b.startLine, b.startColumn, s.startLine, s.startColumn)) best = [s];
    }
    return best;
  }

  /** Whether the map carries function scopes (a build with the SDK's transform). */
  get hasScopes(): boolean {
    return this.scopes.length > 0;
  }
}

/**
 * A function's name as a TypeScript user knows it: asc's internal name without its file's path
 * ("test/filters/x/Probe#onRequestHeaders" → "Probe.onRequestHeaders").
 */
export function displayName(internal: string, file?: string): string {
  const prefix = file?.replace(/\.ts$/, "/");
  const name = prefix && internal.startsWith(prefix) ? internal.slice(prefix.length) : internal;
  // The paths left are the module paths of type arguments ("Map<~lib/string/String,i32>").
  return name.replace(/[^<>,|\s]*\//g, "").replace(/#/g, ".");
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
function functionBodies(
  bytes: Uint8Array,
): { codeStart: number; codeSize: number; bodies: Map<number, [number, number]> } | null {
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
export function rememberModule(
  vm: object,
  source: Uint8Array | ArrayBuffer | string,
  original: Uint8Array,
  compiled: Uint8Array,
): void {
  const a = codeSection(original),
    b = codeSection(compiled);
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
  /** The TypeScript function the location is in, when the map names it. */
  function?: string;
  /**
   * The optimizer inlined this function into the one of the next frame (so V8 has no frame for
   * it). Without function scopes in the map: the filter's own line into which the library code
   * that trapped was inlined.
   */
  inlined: boolean;
}

const isLibrary = (file: string) => file.startsWith("~lib/");

/** No chain of inlined calls is this deep; the bound keeps a map that does not add up from looping. */
const MAX_INLINED = 32;

/**
 * The frames of one wasm frame, innermost first: the location of the failing operation (or the
 * call), then, for each function the optimizer inlined, the call into it: the last code before
 * that lies in a function that calls it (the arguments' evaluation, just before the inlined body).
 */
function framesAt(map: SourceMap, physical: string | undefined, at: number, floor: number): SourceFrame[] {
  const out: SourceFrame[] = [];
  const first = map.find(at, floor, () => true);
  if (!first) return out;
  let loc: SourceLocation = first.at,
    offset = first.offset;
  if (!map.hasScopes) {
    out.push({ ...loc, inlined: false });
    if (isLibrary(loc.file)) {
      const own = map.lookup(at, floor, (l) => !isLibrary(l.file));
      if (own) out.push({ ...own, inlined: true });
    }
    return out;
  }
  let candidates = map.scopesAt(loc);
  for (let depth = 0; depth < MAX_INLINED; depth++) {
    const physicalHere = candidates.find((c) => c.name === physical);
    const inlined = candidates.length > 0 && physical !== undefined && !physicalHere;
    // The caller: the last code before that lies in a function calling one of the candidates,
    // a direct caller if there is one (an ancestor further up would skip a frame).
    let call: ReturnType<SourceMap["find"]> = null,
      calling: (c: Scope) => Set<Scope> = (c) => map.callers(c);
    if (inlined) {
      for (const relation of [(c: Scope) => map.callers(c), (c: Scope) => map.ancestors(c)]) {
        const callers = new Set(candidates.flatMap((c) => [...relation(c)]));
        call = map.find(offset, floor, (l) => map.scopesAt(l).some((s) => callers.has(s)));
        calling = relation;
        if (call) break;
      }
    }
    const callerScopes = call ? map.scopesAt(call.at) : [];
    // Of several instances of a generic function, the one the caller found calls.
    const scope = physicalHere ?? candidates.find((c) => callerScopes.some((s) => calling(c).has(s))) ?? candidates[0];
    const name = scope?.name ?? physical;
    out.push({ ...loc, function: name === undefined ? undefined : displayName(name, scope?.file), inlined });
    if (!call) break;
    ({ at: loc, offset } = call);
    candidates = callerScopes.filter((s) => calling(scope).has(s));
  }
  return out;
}

/** The trap's AssemblyScript stack, innermost first; [] when there is no source map. */
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
    const physical = mapped.map.functions?.[f.functionIndex];
    out.push(...framesAt(mapped.map, physical, f.offset + mapped.shift, body ? body[0] : 0));
  }
  return out;
}

/** The stack as lines to append to the trap's message ("" without a source map). */
export function describeSourceStack(vm: object, trap: unknown): string {
  return sourceStack(vm, trap)
    .map((l) => {
      const where = `${l.file}:${l.line}:${l.column}`;
      return `\n    at ${l.function ? `${l.function} (${where})` : where}${l.inlined ? " (inlined)" : ""}`;
    })
    .join("");
}
