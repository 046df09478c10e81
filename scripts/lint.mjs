#!/usr/bin/env node
// `npm run lint`: checks only, changes nothing; exits non-zero on any finding.
//   1. Prettier: is every TypeScript and JavaScript file formatted? (`npm run format`, which is
//      this script with --write, formats them.) AssemblyScript is not format-checked: its one
//      Prettier plugin is not idempotent (CONTRIBUTING.md, "Formatting and lint").
//   2. Biome's linter (biome.json), with the formatter off, on all code.
// Biome parses TypeScript, where decorators exist on classes and their members only, so it
// refuses AssemblyScript's decorators on functions and globals (`@inline export function`,
// `@external("env", "proxy_log") export declare function`, `@lazy const`). The AssemblyScript
// files are linted as copies in which each such decorator is turned into a comment of the same
// length: every reported line and column is the file's own.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));

/** Where AssemblyScript sources live (biome.json's override for them says the same). */
export const ASSEMBLYSCRIPT = /^(assembly\/|examples\/[^/]+\/assembly\/|test\/filters\/|bench\/[^/]+\/)/;

const DECORATOR = /^(\s*)@(inline|external|lazy|global|unsafe|final|builtin|operator|externalJs)\b(\([^)]*\))?/gm;

/** `text` with AssemblyScript's function and global decorators as same-length comments. */
export function maskDecorators(text) {
  return text.replace(DECORATOR, (match, indent) => {
    const width = match.length - indent.length;
    return `${indent}/*${" ".repeat(Math.max(0, width - 4))}*/`;
  });
}

const run = (command, args, cwd = root) => spawnSync(command, args, { cwd, stdio: "inherit" }).status ?? 1;
const bin = (name) => join(root, "node_modules", ".bin", name);

function trackedFiles() {
  const out = spawnSync("git", ["ls-files", "-co", "--exclude-standard", "*.ts", "*.mjs", "*.js"], {
    cwd: root,
    encoding: "utf8",
  });
  return out.stdout.split("\n").filter((f) => f !== "");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = trackedFiles();
  const assemblyScript = files.filter((f) => ASSEMBLYSCRIPT.test(f));
  const typeScript = files.filter((f) => !ASSEMBLYSCRIPT.test(f));

  if (process.argv.includes("--write"))
    process.exit(run(bin("prettier"), ["--write", "--log-level", "warn", ...typeScript]));
  const formatted = run(bin("prettier"), ["--check", "--log-level", "warn", ...typeScript]);

  const typeScriptLint = run(bin("biome"), ["lint", "--max-diagnostics=none", ...typeScript]);

  const copy = mkdtempSync(join(tmpdir(), "proxy-wasm-as-lint-"));
  let assemblyScriptLint;
  try {
    cpSync(join(root, "biome.json"), join(copy, "biome.json"));
    for (const file of assemblyScript) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      writeFileSync(join(copy, file), maskDecorators(readFileSync(join(root, file), "utf8")));
    }
    assemblyScriptLint = run(
      bin("biome"),
      ["lint", "--max-diagnostics=none", "--vcs-enabled=false", ...assemblyScript],
      copy,
    );
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }

  const failed = [
    formatted && "prettier --check",
    typeScriptLint && "biome lint (TypeScript)",
    assemblyScriptLint && "biome lint (AssemblyScript)",
  ].filter(Boolean);
  if (failed.length > 0) {
    console.error(`lint: findings from ${failed.join(", ")}`);
    process.exit(1);
  }
  console.log("lint: no findings");
}
