// serve's loop limit with trap lines kept. The emulator's loop limit instruments the module
// (binaryen's log-execution pass), which moves every code offset, so a trap could no longer be
// found in the build's source map. When FILTER.wasm.map exists, serve instruments the module
// itself with binaryen's wasm-opt, which rewrites the source map along (--input-source-map /
// --output-source-map), and hands the emulator the instrumented module with its new map; the
// emulator leaves an already instrumented module as it is.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { readWasm } from "../../host/wasm/wasm-reader.js";

const run = promisify(execFile);
/** Part of the cache key: a change to what this file writes must not reuse older copies. */
const INSTRUMENTATION_VERSION = "2";

function wasmOpt(): string {
  return join(dirname(createRequire(import.meta.url).resolve("binaryen/package.json")), "bin", "wasm-opt");
}

/**
 * The module instrumented for the loop limit, and the path of a copy whose source map is beside
 * it (for useSourceMapBeside); null when the build left no map (the emulator instruments it).
 */
export async function instrumentWithSourceMap(
  wasm: Uint8Array,
  file: string,
): Promise<{ bytes: Uint8Array; path: string } | null> {
  const map = `${file}.map`;
  if (!existsSync(map)) return null;
  const mapText = await readFile(map);
  const key = createHash("sha256")
    .update(INSTRUMENTATION_VERSION)
    .update(wasm)
    .update(mapText)
    .digest("hex")
    .slice(0, 16);
  const dir = join(tmpdir(), `proxy-wasm-as-serve-${key}`);
  const out = join(dir, "filter.wasm");
  // The same build is instrumented once (a fresh VM after a trap, another serve of it).
  if (!existsSync(`${out}.map`)) {
    mkdirSync(dir, { recursive: true });
    const input = join(dir, "input.wasm");
    await writeFile(input, wasm);
    const partial = join(dir, `partial-${process.pid}.wasm`);
    await run(process.execPath, [
      wasmOpt(),
      "--all-features",
      "--debuginfo",
      input,
      "--input-source-map",
      map,
      "--log-execution",
      "-o",
      partial,
      "--output-source-map",
      `${partial}.map`,
    ]);
    await writeFile(
      `${partial}.map`,
      carryFunctionNames(JSON.parse(mapText.toString()), JSON.parse(await readFile(`${partial}.map`, "utf8")), wasm),
    );
    await rename(partial, out);
    await rename(`${partial}.map`, `${out}.map`);
  }
  return { bytes: new Uint8Array(await readFile(out)), path: out };
}

type SourceMapJson = { sources: string[]; x_proxy_wasm_as_functions?: string[]; x_proxy_wasm_as_scopes?: unknown[][] };

/**
 * wasm-opt writes a plain v3 map: the function names and scopes the SDK's release transform
 * added (asc-transform/release-binary.js) are carried over, the names renumbered for the one
 * import the instrumentation adds after the module's own imports (env.log_execution), the
 * scopes' source indexes matched by file name.
 */
function carryFunctionNames(original: SourceMapJson, rewritten: SourceMapJson, wasm: Uint8Array): string {
  const names = original.x_proxy_wasm_as_functions;
  if (names) {
    const imported = readWasm(wasm).imports.filter((i) => i.kind === "func").length;
    rewritten.x_proxy_wasm_as_functions = [...names.slice(0, imported), "env.log_execution", ...names.slice(imported)];
  }
  const scopes = original.x_proxy_wasm_as_scopes;
  if (scopes)
    rewritten.x_proxy_wasm_as_scopes = scopes.map(([source, ...rest]) => [
      rewritten.sources.indexOf(original.sources[source as number]),
      ...rest,
    ]);
  return JSON.stringify(rewritten);
}
