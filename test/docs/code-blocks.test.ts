// Every complete filter and test shown in README.md and docs/*.md is real: each `ts filter`
// block compiles with asc (the SDK's asconfig.json) and passes the ABI check, and each `ts test`
// block runs, as a vitest file, against the .wasm of the filter block above it, through the
// emulator. Files go to test/build/docs/<doc>-<line>/ (build/ is git-ignored), laid out as a
// user's project: assembly/index.ts, build/filter.wasm, test/*.
import asc from "assemblyscript/asc";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkFile } from "../../cli/check.js";
import { formatReportText } from "../../cli/report-text.js";
import { allBlocks, type DocBlock } from "./blocks.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const outDir = join(root, "test", "build", "docs");
const blocks = allBlocks(root);
const filters = blocks.filter((b) => b.kind === "filter");
const tests = blocks.filter((b) => b.kind === "test");

const where = (b: DocBlock) => `${b.doc}:${b.line}`;
const projectDir = (b: DocBlock) => join(outDir, b.slug);
const wasmOf = (b: DocBlock) => join(projectDir(b), "build", "filter.wasm");

/** Compile errors by filter slug ("" when it compiled and passed the check). */
const built = new Map<string, string>();

async function build(block: DocBlock): Promise<string> {
  const dir = projectDir(block);
  // Never delete or half-write a .wasm here: test/check/built-modules.test.ts reads every
  // test/**/build/*.wasm, possibly at the same time. Compile to a temporary name, then rename.
  mkdirSync(join(dir, "assembly"), { recursive: true });
  const entry = join(dir, "assembly", "index.ts");
  writeFileSync(entry, block.code);
  const out = wasmOf(block);
  const partial = `${out}.partial`;
  // Paths relative to the working directory: asc resolves "proxy-wasm-as/assembly" through the
  // node_modules/proxy-wasm-as link at the repository root, like a user's project would.
  const rel = (p: string) => relative(process.cwd(), p);
  const stderr: string[] = [];
  const sink = (into: string[]) => ({
    write(chunk: string | Uint8Array) {
      into.push(String(chunk));
      return true;
    },
  });
  const { error } = await asc.main([rel(entry), "--config", rel(join(root, "asconfig.json")), "-o", rel(partial)], {
    stdout: sink([]),
    stderr: sink(stderr),
  });
  if (error) {
    rmSync(out, { force: true });
    return `${where(block)}: does not compile: ${error.message}\n${stderr.join("").trim()}`;
  }
  renameSync(partial, out);
  const result = await checkFile(out);
  if (result.status !== "conformant") {
    return `${where(block)}: fails the ABI check:\n${result.status === "unreadable" ? result.error : formatReportText(out, result)}`;
  }
  return "";
}

interface ChildResult {
  status: string;
  failures: string[];
}

let childRun: Map<string, ChildResult> | null = null;

/** Writes every test block beside its filter and runs them all in one vitest process. */
function runTestBlocks(): Map<string, ChildResult> {
  if (childRun) return childRun;
  const files = new Map<string, DocBlock>();
  for (const block of tests) {
    const filter = block.filter === undefined ? undefined : blocks[block.filter];
    if (!filter || built.get(filter.slug) !== "") continue;
    const file = join(projectDir(filter), "test", `${block.slug}.block.ts`);
    mkdirSync(join(projectDir(filter), "test"), { recursive: true });
    writeFileSync(file, block.code);
    files.set(file, block);
  }
  const results = new Map<string, ChildResult>();
  if (files.size > 0) {
    // `.block.ts`, not `.test.ts`: the repository's own vitest run must never pick these up.
    const config = join(outDir, "vitest.blocks.config.mjs");
    // One worker that keeps its module cache across the block files: the emulator loads once.
    writeFileSync(
      config,
      `export default { test: { root: ${JSON.stringify(outDir)}, include: ["**/*.block.ts"], testTimeout: 30000, maxWorkers: 1, isolate: false } };\n`,
    );
    const report = join(outDir, "blocks-report.json");
    rmSync(report, { force: true });
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "NODE_OPTIONS"),
    );
    const child = spawnSync(
      process.execPath,
      [
        join(root, "node_modules", "vitest", "vitest.mjs"),
        "run",
        "--config",
        config,
        "--reporter=json",
        `--outputFile=${report}`,
        ...files.keys(),
      ],
      { cwd: root, env, encoding: "utf8", timeout: 110_000 },
    );
    const parsed = existsSync(report) ? JSON.parse(readFileSync(report, "utf8")) : null;
    const byFile = new Map<
      string,
      {
        status: string;
        message?: string;
        assertionResults?: { fullName: string; status: string; failureMessages: string[] }[];
      }
    >();
    for (const r of parsed?.testResults ?? []) byFile.set(r.name, r);
    for (const [file, block] of files) {
      const r = byFile.get(file);
      if (!r) {
        results.set(block.slug, {
          status: "not run",
          failures: [`vitest did not report ${file}:\n${child.stdout}\n${child.stderr}`],
        });
        continue;
      }
      const assertions = r.assertionResults ?? [];
      const failures = assertions
        .filter((a) => a.status !== "passed")
        .map((a) => `${a.fullName}: ${a.status}\n${a.failureMessages.join("\n")}`);
      if (r.status !== "passed" && failures.length === 0) failures.push(r.message ?? r.status);
      if (assertions.length === 0) failures.push("the block defines no test");
      results.set(block.slug, { status: failures.length === 0 ? "passed" : "failed", failures });
    }
  }
  childRun = results;
  return results;
}

describe("code blocks of README.md and docs/*.md", () => {
  it("there are filters and tests to run, and every test block follows a filter block", () => {
    expect(filters.length).toBeGreaterThan(0);
    expect(tests.length).toBeGreaterThan(0);
    const orphans = tests.filter((b) => b.filter === undefined || blocks[b.filter].doc !== b.doc).map(where);
    expect(orphans, "`ts test` blocks with no `ts filter` block above them in the same document").toEqual([]);
  });

  for (const block of filters) {
    it(`filter at ${where(block)} compiles and passes the ABI check`, async () => {
      const problem = await build(block);
      built.set(block.slug, problem);
      expect(problem).toBe("");
    }, 60_000);
  }

  for (const block of tests) {
    it(`test at ${where(block)} passes against its filter`, () => {
      const filter = blocks[block.filter!];
      if (!built.has(filter.slug)) throw new Error(`the filter at ${where(filter)} was not built`);
      expect(built.get(filter.slug), `the filter at ${where(filter)} failed to build`).toBe("");
      const result = runTestBlocks().get(block.slug);
      expect(result?.failures.join("\n\n") ?? "no result").toBe("");
      expect(result?.status).toBe("passed");
    }, 120_000);
  }
});
