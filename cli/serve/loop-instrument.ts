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

const run = promisify(execFile);

function wasmOpt(): string {
  return join(dirname(createRequire(import.meta.url).resolve("binaryen/package.json")), "bin", "wasm-opt");
}

/**
 * The module instrumented for the loop limit, and the path of a copy whose source map is beside
 * it (for useSourceMapBeside); null when the build left no map (the emulator instruments it).
 */
export async function instrumentWithSourceMap(wasm: Uint8Array, file: string): Promise<{ bytes: Uint8Array; path: string } | null> {
  const map = `${file}.map`;
  if (!existsSync(map)) return null;
  const mapText = await readFile(map);
  const key = createHash("sha256").update(wasm).update(mapText).digest("hex").slice(0, 16);
  const dir = join(tmpdir(), `proxy-wasm-as-serve-${key}`);
  const out = join(dir, "filter.wasm");
  // The same build is instrumented once (a fresh VM after a trap, another serve of it).
  if (!existsSync(`${out}.map`)) {
    mkdirSync(dir, { recursive: true });
    const input = join(dir, "input.wasm");
    await writeFile(input, wasm);
    const partial = join(dir, `partial-${process.pid}.wasm`);
    await run(process.execPath, [wasmOpt(), "--all-features", "--debuginfo", input, "--input-source-map", map, "--log-execution", "-o", partial, "--output-source-map", `${partial}.map`]);
    await rename(partial, out);
    await rename(`${partial}.map`, `${out}.map`);
  }
  return { bytes: new Uint8Array(await readFile(out)), path: out };
}
