// Finds the modules a repository builds: examples/*/build/**.wasm (for examples that have an
// asconfig.json) and test/**/build/**.wasm, skipping node_modules.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

function wasmFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : wasmFilesUnder(path);
    return e.name.endsWith(".wasm") ? [path] : [];
  });
}

function buildDirsUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (!e.isDirectory() || e.name === "node_modules") return [];
    const path = join(dir, e.name);
    return e.name === "build" ? [path] : buildDirsUnder(path);
  });
}

export interface BuiltModules {
  modules: string[];
  unbuiltExamples: string[]; // examples with an asconfig.json but no .wasm in build/
}

export function findBuiltModules(root: string): BuiltModules {
  const examplesDir = join(root, "examples");
  const examples = existsSync(examplesDir)
    ? readdirSync(examplesDir, { withFileTypes: true })
        .filter((e) => e.isDirectory() && existsSync(join(examplesDir, e.name, "asconfig.json")))
        .map((e) => e.name)
    : [];
  const byExample = examples.map((name) => ({ name, wasm: wasmFilesUnder(join(examplesDir, name, "build")) }));
  return {
    modules: [...byExample.flatMap((e) => e.wasm), ...buildDirsUnder(join(root, "test")).flatMap(wasmFilesUnder)],
    unbuiltExamples: byExample.filter((e) => e.wasm.length === 0).map((e) => e.name),
  };
}
