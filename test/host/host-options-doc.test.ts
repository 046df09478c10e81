// docs/testing.md's table of Host options lists exactly the options HostOptions declares, and
// the Host's own list of known names (which it checks constructor arguments against) agrees:
// a new option cannot be added without documenting it, nor a documented one go stale.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { HOST_OPTION_NAMES } from "../../host/host.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** The property names of HostOptions, inherited ones included, as the compiler sees them. */
function declaredOptions(): string[] {
  const file = `${root}host/host.ts`;
  const program = ts.createProgram([file], {
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: [],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file)!;
  const symbol = checker
    .getExportsOfModule(checker.getSymbolAtLocation(source)!)
    .find((s) => s.getName() === "HostOptions")!;
  return checker
    .getDeclaredTypeOfSymbol(symbol)
    .getProperties()
    .map((p) => p.getName())
    .sort();
}

/** The first column of the table that follows "### Host" in docs/testing.md. */
function documentedOptions(): string[] {
  const doc = readFileSync(`${root}docs/testing.md`, "utf8");
  const section = doc.slice(doc.indexOf("### Host\n"));
  const table = section.slice(section.indexOf("| option |"), section.indexOf("\n\n", section.indexOf("| option |")));
  return [...table.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]).sort();
}

describe("the Host options table in docs/testing.md", () => {
  it("lists every HostOptions property and nothing else", () => {
    const declared = declaredOptions();
    expect(declared).toContain("bufferLimitBytes"); // a guard against a reader that finds nothing
    expect(documentedOptions()).toEqual(declared);
  });

  it("matches the names the Host accepts", () => {
    expect([...HOST_OPTION_NAMES].sort()).toEqual(declaredOptions());
  });
});
