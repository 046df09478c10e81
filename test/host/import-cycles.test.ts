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

/** The layer of a file of host/ (a path below host/): its folder, as host/index.ts lists them. */
const LAYER_FOLDERS = ["wasm", "state", "vm", "streams"];
function layerOf(file: string): number {
  const folder = file.includes("/") ? file.slice(0, file.indexOf("/")) : "";
  const i = LAYER_FOLDERS.indexOf(folder);
  return folder === "" ? LAYER_FOLDERS.length + 1 : i < 0 ? 0 : i + 1;
}

describe("host/ layers (one folder each)", () => {
  const graph = graphOf("host");

  it("host/index.ts describes the layer folders, bottom first", () => {
    const header = readFileSync("host/index.ts", "utf8");
    const listed = [...header.matchAll(/^\/\/ (\d)\. (\w+)\//gm)].map((m) => [Number(m[1]), m[2]]);
    expect(listed).toEqual([...LAYER_FOLDERS.map((f, i) => [i + 1, f]), [LAYER_FOLDERS.length + 1, "host"]]);
  });

  it("every file of host/ is in a layer folder or in host/ itself (the facade)", () => {
    const outside = [...graph.keys()].filter((f) => layerOf(f) === 0);
    expect(outside).toEqual([]);
    expect(new Set([...graph.keys()].map(layerOf))).toEqual(new Set([1, 2, 3, 4, 5]));
  });

  it("every import of host/ points to the same layer or one below", () => {
    const upward: string[] = [];
    for (const [file, deps] of graph) {
      for (const dep of deps) {
        if (layerOf(dep) > layerOf(file))
          upward.push(`${file} (layer ${layerOf(file)}) imports ${dep} (layer ${layerOf(dep)})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it("the layer check sees an upward import (a file of wasm/ importing one of state/)", () => {
    expect(layerOf("wasm/cel.ts")).toBeLessThan(layerOf("state/attributes.ts"));
    expect(layerOf("host.ts")).toBe(5);
    expect(layerOf("elsewhere/x.ts")).toBe(0);
  });
});
