// Lists the .ts files of a folder (and its subfolders) that can reach themselves through
// relative imports. Type-only imports count, as in the repository's hook: a loop of types is
// still a loop between layers. Exit code 1 when there is one.
//   node test/host/import-cycles.mjs host
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** Every `import ... from "./x"` / `export ... from "../y"` (type-only too), as the hook reads them. */
const RELATIVE_IMPORT = /(?:import|export)[^'"]*?from\s*['"](\.[^'"]+)['"]/g;

function sourceFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") && !e.name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

/** The file a relative specifier names (x.js is x.ts; a folder is its index.ts), or undefined. */
function resolveImport(from, spec) {
  const base = resolve(dirname(from), spec).replace(/\.js$/, "");
  for (const c of [base + ".ts", join(base, "index.ts")]) if (existsSync(c) && statSync(c).isFile()) return c;
  return undefined;
}

/** file (relative to dir) → the files of dir it imports. */
export function importGraph(dir) {
  const root = resolve(dir);
  const files = sourceFiles(root);
  const graph = new Map();
  for (const f of files) {
    const deps = new Set();
    for (const m of readFileSync(f, "utf8").matchAll(RELATIVE_IMPORT)) {
      const target = resolveImport(f, m[1]);
      if (target && files.includes(target)) deps.add(relative(root, target));
    }
    graph.set(relative(root, f), deps);
  }
  return graph;
}

/** Every file that can reach itself, with one loop through it. */
export function cycles(graph) {
  const found = [];
  for (const start of graph.keys()) {
    const path = [start];
    const seen = new Set();
    const walk = (node) => {
      for (const next of graph.get(node) ?? []) {
        if (next === start) return [...path, start];
        if (seen.has(next)) continue;
        seen.add(next);
        path.push(next);
        const loop = walk(next);
        if (loop) return loop;
        path.pop();
      }
      return null;
    };
    const loop = walk(start);
    if (loop) found.push(loop.join(" → "));
  }
  return found;
}

if (import.meta.url === `file://${resolve(process.argv[1] ?? "")}`) {
  const dir = process.argv[2] ?? "host";
  const found = cycles(importGraph(dir));
  for (const c of found) console.log(c);
  console.log(`${found.length} file(s) of ${dir}/ reachable from themselves`);
  process.exit(found.length ? 1 : 0);
}
