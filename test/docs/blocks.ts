// Finds the code blocks of README.md and docs/*.md that the test command compiles and runs.
//   ```ts filter   an AssemblyScript filter entry file (compiled with asc, checked against the ABI)
//   ```ts test     a vitest test file that loads the filter of the nearest `ts filter` block above
//                  it (same document) as `../build/filter.wasm`, through proxy-wasm-as/host
// Other blocks (plain ```ts, ```yaml, ...) are illustrations and are not run.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

export interface DocBlock {
  /** "filter" or "test". */
  kind: "filter" | "test";
  /** The document, relative to the repository root. */
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  /** For a test block: the index (in the same list) of the filter block it tests. */
  filter?: number;
  /** A short unique name for files and test titles, e.g. "README-12". */
  slug: string;
}

/** The documents whose blocks are compiled and run: README.md and docs/*.md. */
export function documents(root: string): string[] {
  const docsDir = join(root, "docs");
  const docs = readdirSync(docsDir)
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => join(docsDir, f));
  return [join(root, "README.md"), ...docs];
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/;

/** Every `ts filter` and `ts test` block of one Markdown text. */
export function blocksOf(markdown: string, doc: string): DocBlock[] {
  const lines = markdown.split("\n");
  const blocks: DocBlock[] = [];
  let lastFilter: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const fence = open[2];
    const info = open[3].trim().split(/\s+/);
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = FENCE.exec(lines[j]);
      if (close?.[2].startsWith(fence[0]) && close[2].length >= fence.length && close[3].trim() === "") break;
      body.push(lines[j].slice(Math.min(open[1].length, lines[j].length - lines[j].trimStart().length)));
    }
    const lang = info[0];
    const kind = info[1];
    if ((lang === "ts" || lang === "typescript") && (kind === "filter" || kind === "test")) {
      const slug = `${doc
        .replace(/^docs\//, "")
        .replace(/\.md$/, "")
        .replace(/[^A-Za-z0-9]+/g, "-")}-${i + 1}`;
      const block: DocBlock = { kind, doc, line: i + 1, code: body.join("\n") + "\n", slug };
      if (kind === "filter") lastFilter = blocks.length;
      else block.filter = lastFilter;
      blocks.push(block);
    }
    i = j;
  }
  return blocks;
}

/** Every runnable block of the repository's documents, in document order. */
export function allBlocks(root: string): DocBlock[] {
  const all: DocBlock[] = [];
  for (const file of documents(root)) {
    const doc = relative(root, file);
    const offset = all.length;
    for (const block of blocksOf(readFileSync(file, "utf8"), doc)) {
      if (block.filter !== undefined) block.filter += offset;
      all.push(block);
    }
  }
  return all;
}
