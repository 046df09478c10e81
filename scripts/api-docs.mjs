#!/usr/bin/env node
// Writes the generated parts of docs/api.md: the one-line entries of SDK functions whose doc
// comment in the source says everything (the typed attributes, Envoy's foreign functions).
// The rest of api.md is written by hand. A generated part sits between two markers:
//   <!-- api-docs:begin assembly/attributes/request.ts assembly/attributes/response.ts -->
//   ...one "### `name`" entry per exported function of those files, in source order...
//   <!-- api-docs:end -->
// A function documented by hand elsewhere in api.md keeps that entry and is left out here.
//   node scripts/api-docs.mjs          write docs/api.md
//   node scripts/api-docs.mjs --check  exit 1 if docs/api.md differs from what would be written
//
// The doc comment is the one the TypeScript compiler attaches to the declaration (its last
// JSDoc), never text found by searching backwards for "/**": that search is what once pasted
// source code (an enum, a constructor) into the entries of setEnvoyFilterState & co.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("../", import.meta.url));
const docPath = `${root}docs/api.md`;

const BEGIN = /^<!-- api-docs:begin ((?:\S+ )*\S+) -->$/;
const END = "<!-- api-docs:end -->";

/** Collapses the whitespace of source text (a multi-line parameter list) to single spaces. */
const oneLine = (text) => text.replace(/\s+/g, " ").trim();

/** The text of a declaration's own doc comment, on one line; "" when it has none. */
export function docComment(node) {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const last = docs[docs.length - 1];
  return last ? oneLine(ts.getTextOfJSDocComment(last.comment) ?? "") : "";
}

/** `name(a: T, b: U = d): R`, as written in the source. */
export function signatureOf(fn, source) {
  const params = fn.parameters.map((p) => oneLine(p.getText(source))).join(", ");
  const result = fn.type ? `: ${oneLine(fn.type.getText(source))}` : "";
  return `${fn.name.text}(${params})${result}`;
}

const isExported = (node) => (ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Export) !== 0;

/** Every exported function of one AssemblyScript source text, in source order. */
export function exportedFunctions(text, fileName) {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  return source.statements
    .filter((s) => ts.isFunctionDeclaration(s) && s.name && isExported(s))
    .map((fn) => ({ name: fn.name.text, signature: signatureOf(fn, source), doc: docComment(fn), file: fileName }));
}

/** One entry of api.md. */
export function entry(fn) {
  if (fn.doc === "") throw new Error(`${fn.file}: ${fn.name} has no doc comment to generate its api.md entry from`);
  return `### \`${fn.name}\`\n\n\`${fn.signature}\` — ${fn.doc}\n`;
}

/** Names with a hand-written "### `name`" heading, i.e. outside every generated part. */
function handWrittenNames(lines) {
  const names = new Set();
  let inside = false;
  for (const line of lines) {
    if (BEGIN.test(line)) inside = true;
    else if (line === END) inside = false;
    else if (!inside) for (const m of line.matchAll(/^### `([A-Za-z_$][\w$]*)/g)) names.add(m[1]);
  }
  return names;
}

/** api.md with every generated part rewritten from the sources. */
export function render(markdown, readSource = (path) => readFileSync(`${root}${path}`, "utf8")) {
  const lines = markdown.split("\n");
  const handWritten = handWrittenNames(lines);
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const begin = BEGIN.exec(lines[i]);
    out.push(lines[i]);
    if (!begin) continue;
    const end = lines.indexOf(END, i + 1);
    if (end < 0) throw new Error(`docs/api.md line ${i + 1}: api-docs:begin without ${END}`);
    const entries = begin[1]
      .split(" ")
      .flatMap((path) => exportedFunctions(readSource(path), path))
      .filter((fn) => !handWritten.has(fn.name))
      .map(entry);
    out.push("", entries.join("\n"), END);
    i = end;
  }
  return out.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const current = readFileSync(docPath, "utf8");
  const wanted = render(current);
  if (process.argv.includes("--check")) {
    if (current !== wanted) {
      console.error("docs/api.md is out of date: run `npm run docs`");
      process.exit(1);
    }
  } else if (current !== wanted) {
    writeFileSync(docPath, wanted);
    console.log("wrote docs/api.md");
  }
}
