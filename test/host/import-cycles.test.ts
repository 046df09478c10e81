// No import cycles in assembly/, host/ or cli/ (type-only imports count, as for the repository's
// hook), and host/ layered as the comment at the top of host/index.ts says.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cycles, importGraph } from "./import-cycles.mjs";

type Graph = Map<string, Set<string>>;
const graphOf = (dir: string): Graph => importGraph(dir) as Graph;
const cyclesOf = (dir: string): string[] => cycles(importGraph(dir)) as string[];

describe("import cycles", () => {
  for (const dir of ["host", "assembly", "cli"]) {
    it(`no file of ${dir}/ can reach itself through its imports`, () => {
      expect(graphOf(dir).size).toBeGreaterThan(10);
      expect(cyclesOf(dir)).toEqual([]);
    });
  }

  const scratch = mkdtempSync(join(tmpdir(), "import-cycles-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("a loop of type-only imports across folders is a cycle", () => {
    mkdirSync(join(scratch, "low"));
    writeFileSync(join(scratch, "low", "a.ts"), 'import type { B } from "../b.js";\nexport interface A { b: B }\n');
    writeFileSync(join(scratch, "b.ts"), 'export type { A } from "./low/a.js";\nexport interface B { n: number }\n');
    writeFileSync(join(scratch, "c.ts"), 'import { type B } from "./b.js";\nexport const c: B = { n: 1 };\n');
    expect(cyclesOf(scratch).sort()).toEqual(["b.ts → low/a.ts → b.ts", "low/a.ts → b.ts → low/a.ts"]);
  });
});

/** The layers listed at the top of host/index.ts: `N. ...[file file ...]`, bottom first. */
function declaredLayers(): Map<string, number> {
  const header = readFileSync("host/index.ts", "utf8").split("\n").filter((l) => l.startsWith("//")).map((l) => l.slice(2)).join("\n");
  const layers = new Map<string, number>();
  for (const m of header.matchAll(/^\s*(\d+)\.[^[]*\[([^\]]*)\]/gm)) {
    for (const name of m[2].split(/\s+/).filter(Boolean)) {
      expect(layers.has(name), `${name} is listed twice in host/index.ts`).toBe(false);
      layers.set(`${name}.ts`, Number(m[1]));
    }
  }
  return layers;
}

describe("host/ layers", () => {
  const layers = declaredLayers();
  const graph = graphOf("host");

  it("host/index.ts lists every file of host/ in one layer", () => {
    expect(new Set(layers.values())).toEqual(new Set([1, 2, 3, 4, 5]));
    expect([...layers.keys()].sort()).toEqual([...graph.keys()].sort());
  });

  it("every import of host/ points to the same layer or one below", () => {
    const upward: string[] = [];
    for (const [file, deps] of graph) {
      for (const dep of deps) {
        if ((layers.get(dep) ?? 0) > (layers.get(file) ?? 0)) upward.push(`${file} (layer ${layers.get(file)}) imports ${dep} (layer ${layers.get(dep)})`);
      }
    }
    expect(upward).toEqual([]);
  });
});
