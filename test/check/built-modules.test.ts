// Every module the repository builds (examples/*/build/, test/**/build/) must pass the check.
// Deliberately broken modules never live there: they stay in memory or in a tmp dir.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkFile } from "../../cli/check.js";
import { findBuiltModules } from "./find-built.js";
import { tmp } from "./run-cli.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const { modules, unbuiltExamples } = findBuiltModules(root);

describe("built modules conform to ABI v0.2.1", () => {
  it("every example with an asconfig.json has been built", () => {
    expect(
      unbuiltExamples,
      `examples with no .wasm in build/ (run npm run build): ${unbuiltExamples.join(", ")}`,
    ).toEqual([]);
  });

  it(`no violation in any of the ${modules.length} built module(s)`, async () => {
    const problems: string[] = [];
    for (const file of modules) {
      const r = await checkFile(file);
      const where = relative(root, file);
      if (r.status === "unreadable") problems.push(`${where}: ${r.error}`);
      else
        for (const f of r.findings.filter((x) => x.severity === "error"))
          problems.push(`${where}: ${f.subject}: ${f.message}`);
    }
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("finds built modules the way the two tests above rely on (fake tree in a tmp dir)", () => {
    const fake = join(tmp, "repo");
    const touch = (path: string) => {
      mkdirSync(join(fake, path, ".."), { recursive: true });
      writeFileSync(join(fake, path), "");
    };
    touch("examples/built/asconfig.json");
    touch("examples/built/build/debug/filter.wasm");
    touch("examples/unbuilt/asconfig.json");
    touch("examples/notes/build/ignored.wasm"); // no asconfig.json: not an example package
    touch("test/host/fixtures/build/a.wasm");
    touch("test/node_modules/x/build/b.wasm");
    const found = findBuiltModules(fake);
    expect(found.unbuiltExamples).toEqual(["unbuilt"]);
    expect(found.modules.map((m) => relative(fake, m)).sort()).toEqual([
      "examples/built/build/debug/filter.wasm",
      "test/host/fixtures/build/a.wasm",
    ]);
  });
});
