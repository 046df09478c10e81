// An asc transform used by the SDK's asconfig.json; it shapes the .wasm a release build writes:
//
// - The source map stays beside the .wasm (build/filter.wasm.map: the emulator names the
//   TypeScript line of a trap with it), but asc would also embed a sourceMappingURL custom
//   section in the .wasm. A proxy has no use for it, so it is dropped: the .wasm is byte for
//   byte what a build without a source map writes.
// - "converge" re-optimizes until a round stops shrinking the module; when the last round made
//   it bigger, asc prints "Last converge was suboptimal." and writes the bigger one. The
//   smallest round's binary (and its source map) is written instead, and the line dropped.
//   The SDK's asconfig.json keeps converge on for release builds: on four examples it saved 5 to
//   17 bytes for 22-41% more compile time, and on add-header 18 bytes and 24 executed
//   instructions per stream; the edit-test loop uses the debug target, which does not optimize.
// - The .wasm has no name section (a proxy has no use for it either), so the source map carries
//   what a trap's stack needs to name the TypeScript functions (host/wasm/source-map.ts reads it):
//   `x_proxy_wasm_as_functions`, the internal name of each wasm function by index (imports
//   first, as the binary numbers them), and `x_proxy_wasm_as_scopes`, the source range of every
//   compiled function as [source index, start line, start column, end line, end column, name,
//   callers] (1-based; callers: the indexes of the scopes whose functions call it, read from the
//   module before the optimizer inlined anything), so a frame the optimizer inlined can still be
//   named, and the call into it found.

/** The module without its custom sections named `name`. */
export function withoutCustomSection(bytes, name) {
  const parts = [bytes.subarray(0, 8)];
  let pos = 8;
  const uleb = () => {
    let result = 0,
      scale = 1,
      byte;
    do {
      byte = bytes[pos++];
      result += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte & 0x80);
    return result;
  };
  while (pos < bytes.length) {
    const start = pos;
    const id = bytes[pos++];
    const size = uleb();
    const end = pos + size;
    let keep = true;
    if (id === 0) {
      const length = uleb();
      keep = new TextDecoder().decode(bytes.subarray(pos, pos + length)) !== name;
    }
    if (keep) parts.push(bytes.subarray(start, end));
    pos = end;
  }
  return new Uint8Array(Buffer.concat(parts));
}

/** The internal name of each function by its index in the binary: imports first, then the module's own. */
function functionNames(module, binaryen) {
  const imported = [],
    defined = [];
  for (let i = 0, n = module.getNumFunctions(); i < n; i++) {
    const info = binaryen.getFunctionInfo(module.getFunctionByIndex(i));
    (info.module ? imported : defined).push(info.name);
  }
  return [...imported, ...defined];
}

/** Every compiled function's declaration range, by source path: [path, line, column, line, column, name]. */
function functionScopes(program) {
  const out = [];
  for (const [name, element] of program.instancesByName) {
    if (element.kind !== 5 /* ElementKind.Function */) continue;
    const range = element.declaration?.range;
    if (!range?.source) continue;
    const source = range.source;
    const startLine = source.lineAt(range.start),
      startColumn = source.columnAt();
    const endLine = source.lineAt(range.end),
      endColumn = source.columnAt();
    out.push([source.normalizedPath, startLine, startColumn, endLine, endColumn, name]);
  }
  return out;
}

/** A function name as binaryen's text format writes it: $name, or $"name" when it has other characters. */
const NAME = String.raw`\$(?:"((?:[^"\\]|\\.)*)"|([^\s()]+))`;

/**
 * Who calls whom, read from the module's text before optimization: callee name → caller names.
 * (binaryen.js has no generic expression walker; the text is the one complete view of the calls.)
 */
function callersOf(module) {
  const callers = new Map();
  let current = null;
  const func = new RegExp(String.raw`^ \(func ${NAME}`),
    call = new RegExp(String.raw`\((?:return_)?call ${NAME}`, "g");
  for (const line of module.emitText().split("\n")) {
    const f = func.exec(line);
    if (f) current = f[1] ?? f[2];
    if (current === null) continue;
    for (const c of line.matchAll(call)) {
      const callee = c[1] ?? c[2];
      if (!callers.has(callee)) callers.set(callee, new Set());
      callers.get(callee).add(current);
    }
  }
  return callers;
}

/** The source map with the function names and scopes added (sources and callers as indexes). */
function withFunctionNames(sourceMap, names, scopes, callers) {
  if (!sourceMap) return sourceMap;
  const map = JSON.parse(sourceMap);
  const index = new Map(map.sources.map((s, i) => [s, i]));
  const kept = scopes.filter((s) => index.has(s[0]));
  const scopeIndex = new Map(kept.map((s, i) => [s[5], i]));
  map.x_proxy_wasm_as_functions = names;
  // A caller with no source (a virtual-dispatch stub asc generates) stands for its own callers.
  const scopedCallers = (name, seen = new Set()) => {
    const out = new Set();
    for (const caller of callers.get(name) ?? []) {
      if (seen.has(caller)) continue;
      seen.add(caller);
      if (scopeIndex.has(caller)) out.add(scopeIndex.get(caller));
      else for (const i of scopedCallers(caller, seen)) out.add(i);
    }
    return out;
  };
  map.x_proxy_wasm_as_scopes = kept.map(([path, ...rest]) => [index.get(path), ...rest, [...scopedCallers(rest[4])]]);
  return JSON.stringify(map);
}

const SUBOPTIMAL = "Last converge was suboptimal.";
const FILTERED = Symbol.for("proxy-wasm-as.release-binary.filtered");

export default class ReleaseBinary {
  afterCompile(module) {
    const stderr = this.stderr;
    if (stderr && typeof stderr.write === "function" && !stderr[FILTERED]) {
      const write = stderr.write;
      stderr.write = function (chunk, ...rest) {
        if (String(chunk).startsWith(SUBOPTIMAL)) return true;
        return write.call(this, chunk, ...rest);
      };
      stderr[FILTERED] = true;
    }
    const emit = module.emitBinary;
    const binaryen = this.binaryen,
      program = this.program;
    // Only a build that writes a source map needs these; the calls are read now, before asc optimizes.
    const callers = program.options?.sourceMap === false ? new Map() : callersOf(module);
    let scopes = null;
    const named = (sourceMap, names) => {
      scopes ??= functionScopes(program);
      return withFunctionNames(sourceMap, names, scopes, callers);
    };
    let smallest = null;
    module.emitBinary = (url) => {
      // asc's converge rounds call without an argument and only compare sizes; its final call
      // passes the map's URL (or null without --sourceMap) and writes what it gets.
      if (url === undefined) {
        const round = emit("round.wasm.map");
        const binary = withoutCustomSection(round.binary, "sourceMappingURL");
        if (!smallest || binary.length < smallest.binary.length) {
          smallest = { binary, sourceMap: round.sourceMap, names: functionNames(module, binaryen) };
        }
        return binary;
      }
      const out = emit(url);
      const binary = url ? withoutCustomSection(out.binary, "sourceMappingURL") : out.binary;
      if (smallest && smallest.binary.length < binary.length) {
        return { binary: smallest.binary, sourceMap: url ? named(smallest.sourceMap, smallest.names) : "" };
      }
      return { binary, sourceMap: url ? named(out.sourceMap, functionNames(module, binaryen)) : out.sourceMap };
    };
  }
}
