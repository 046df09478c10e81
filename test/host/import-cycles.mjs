// Lists the import cycles among the .ts files of a folder (type-only imports count: a loop of
// types is still a loop between layers). Exit code 1 when there is one.
//   node test/host/import-cycles.mjs host
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export function importGraph(dir) {
  const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"));
  const graph = new Map();
  for (const f of files) {
    const src = readFileSync(join(dir, f), "utf8");
    const deps = new Set();
    for (const m of src.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+["'](\.\/[^"']+)["']/gms)) {
      const name = m[1].slice(2).replace(/\.js$/, ".ts");
      if (files.includes(name)) deps.add(name);
    }
    graph.set(f, deps);
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
