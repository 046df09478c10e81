// docs/api.md documents exactly the public names of both entry points: every name exported by
// assembly/index.ts (proxy-wasm-as/assembly) and host/index.ts (proxy-wasm-as/host), values and
// types, has a "### `name`" heading in its part of the document, and every such heading names
// something still exported.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const apiDoc = readFileSync(`${root}docs/api.md`, "utf8");

/**
 * The names a module exports, through `export { a } from`, `export *`, declarations and type
 * exports, resolved by the TypeScript compiler (AssemblyScript sources parse as TypeScript; their
 * type errors do not matter here).
 */
function exportedNames(entry: string): string[] {
  const program = ts.createProgram([entry], {
    allowJs: false,
    noEmit: true,
    noResolve: false,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    experimentalDecorators: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (!source) throw new Error(`cannot read ${entry}`);
  const symbol = checker.getSymbolAtLocation(source);
  if (!symbol) return [];
  return checker
    .getExportsOfModule(symbol)
    .map((s) => s.getName())
    .filter((n) => n !== "default")
    .sort();
}

/** The part of api.md for one entry point: from its `# ` heading to the next `# ` heading. */
function part(entryPoint: string): string {
  const lines = apiDoc.split("\n");
  const start = lines.findIndex((l) => /^# /.test(l) && l.includes(`\`${entryPoint}\``));
  if (start < 0) return "";
  const end = lines.findIndex((l, i) => i > start && /^# /.test(l));
  return lines.slice(start, end < 0 ? undefined : end).join("\n");
}

/** Names documented in a part: every "### `name`" heading (a signature may follow the name). */
function documentedNames(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/^### `([A-Za-z_$][\w$]*)[^`]*`/gm)) names.push(m[1]);
  return names.sort();
}

function compare(exported: string[], documented: string[]) {
  const undocumented = exported.filter((n) => !documented.includes(n));
  const stale = documented.filter((n) => !exported.includes(n));
  const duplicated = documented.filter((n, i) => documented.indexOf(n) !== i);
  return { undocumented, stale, duplicated };
}

describe("docs/api.md documents every public name", () => {
  const assemblyExports = exportedNames(`${root}assembly/index.ts`);
  const hostEntry = `${root}host/index.ts`;

  it("finds the exports of assembly/index.ts", () => {
    // A guard against a parser that silently finds nothing.
    expect(assemblyExports).toContain("HttpContext");
    expect(assemblyExports).toContain("requestHeaders");
    expect(assemblyExports.length).toBeGreaterThan(80);
  });

  it("proxy-wasm-as/assembly: no undocumented name, no documented name that is gone", () => {
    const documented = documentedNames(part("proxy-wasm-as/assembly"));
    expect(compare(assemblyExports, documented)).toEqual({ undocumented: [], stale: [], duplicated: [] });
  });

  it("proxy-wasm-as/host: no undocumented name, no documented name that is gone", () => {
    expect(existsSync(hostEntry), "host/index.ts exists").toBe(true);
    const hostExports = exportedNames(hostEntry);
    expect(hostExports.length).toBeGreaterThan(0);
    const documented = documentedNames(part("proxy-wasm-as/host"));
    expect(compare(hostExports, documented)).toEqual({ undocumented: [], stale: [], duplicated: [] });
  });
});
