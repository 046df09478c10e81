// docs/api.md is prose, never pasted source: no code fragment outside its fenced blocks, and the
// generated entries (scripts/api-docs.mjs) are what the sources' doc comments say today.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without type declarations
import { exportedFunctions, render } from "../../scripts/api-docs.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const apiDoc = readFileSync(`${root}docs/api.md`, "utf8");

/** What source code looks like when it leaks into prose: comment ends, declarations, bodies. */
const SOURCE_FRAGMENTS: [string, RegExp][] = [
  ["a comment delimiter", /\/\*\*|\*\//],
  ["a declaration", /\bexport\s+(function|class|enum|const|let|\*)\b/],
  ["a constructor's parameter", /\bpublic\s+readonly\b/],
  ["an empty body", /\)\s*\{\s*\}/],
  ["a statement", /\breturn\b[^`|;]*;\s*\}/],
];

/** Lines of a Markdown text outside fenced code blocks, with their 1-based numbers. */
function proseLines(markdown: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fenced = false;
  markdown.split("\n").forEach((text, i) => {
    if (/^\s*(```|~~~)/.test(text)) fenced = !fenced;
    else if (!fenced) out.push({ line: i + 1, text });
  });
  return out;
}

function sourceFragments(markdown: string): string[] {
  const found: string[] = [];
  for (const { line, text } of proseLines(markdown)) {
    for (const [what, pattern] of SOURCE_FRAGMENTS) {
      const m = pattern.exec(text);
      if (m) found.push(`line ${line}: ${what} (${m[0]})`);
    }
  }
  return found;
}

describe("docs/api.md holds no source code", () => {
  it("finds none of the fragments outside fenced code blocks", () => {
    expect(sourceFragments(apiDoc)).toEqual([]);
  });

  it("recognises the fragments that were once pasted into entries", () => {
    // The entry of createExpression as it was before the generator took the compiler's doc comment.
    const pasted =
      "`createExpression(expression: string): Expression` — OK; the host's status otherwise. */ " +
      "public readonly status: Status, ) {} }  function tokenArgs(token: u32): ArrayBuffer { return args; }";
    expect(sourceFragments(pasted).length).toBe(4);
    expect(sourceFragments('```ts\nexport * from "proxy-wasm-as/assembly/proxy";\n```\n')).toEqual([]);
  });
});

describe("scripts/api-docs.mjs", () => {
  it("takes a function's own doc comment, not one of the declarations above it", () => {
    const source = [
      "/** How long it lives. */",
      "export enum Span { A = 0 }",
      "export class Result {",
      "  constructor(/** OK or not. */ public readonly status: i32) {}",
      "}",
      "function helper(): void {}",
      "/** Sets `key`. */",
      "export function set(key: string,",
      "    span: Span = Span.A): Result {",
      "  return new Result(0);",
      "}",
    ].join("\n");
    expect(exportedFunctions(source, "x.ts")).toEqual([
      { name: "set", signature: "set(key: string, span: Span = Span.A): Result", doc: "Sets `key`.", file: "x.ts" },
    ]);
  });

  it("refuses to generate an entry for a function without a doc comment", () => {
    const doc = "# API\n<!-- api-docs:begin a.ts -->\n<!-- api-docs:end -->\n";
    expect(() => render(doc, () => "export function bare(): void {}\n")).toThrow(/bare has no doc comment/);
  });

  it("leaves out a function documented by hand elsewhere in the document", () => {
    const doc = "### `two`\n\nby hand\n<!-- api-docs:begin a.ts -->\n<!-- api-docs:end -->\n";
    const source =
      "/** One. */\nexport function one(): i32 { return 1; }\n/** Two. */\nexport function two(): i32 { return 2; }\n";
    expect(render(doc, () => source)).toBe(
      "### `two`\n\nby hand\n<!-- api-docs:begin a.ts -->\n\n### `one`\n\n`one(): i32` — One.\n\n<!-- api-docs:end -->\n",
    );
  });

  it("docs/api.md is what the generator writes from today's sources (run `npm run docs`)", () => {
    expect(render(apiDoc)).toBe(apiDoc);
  });
});
