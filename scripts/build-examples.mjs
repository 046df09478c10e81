// Builds every filter in the repository to .wasm: each example (examples/NAME, through its own
// asconfig.json, as a user would) and the SDK's own test filters (test/filters/*.ts →
// test/build/*.wasm), then checks each against the ABI. Compiles in this process through asc's API, which is much faster than one
// process per filter. The SDK's asconfig.json keeps each build's source map beside it
// (NAME.wasm.map: traps then name the TypeScript line); a build without one is an error.
import asc from "assemblyscript/asc";
import { checkFile } from "../dist/cli/check.js";
import { formatReportText } from "../dist/cli/report-text.js";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Runs asc with `args` in directory `cwd`; returns the error text, or "" on success. */
async function compile(args, cwd) {
  let errors = "";
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    const { error, stderr } = await asc.main(args, { stdout: { write() {} } });
    const text = stderr.toString().trim();
    if (error) errors = `${error.message}\n${text}`;
  } finally {
    process.chdir(previous);
  }
  return errors;
}

// Every built module must load in a proxy: a module that imports what no proxy provides
// (console.log, Date.now, an unmapped abort) is rejected here, at build time.
async function checkBuilt(file) {
  const result = await checkFile(file);
  if (result.status === "conformant") return "";
  return result.status === "unreadable" ? result.error : formatReportText(file, result);
}

const jobs = [];
const examplesDir = join(root, "examples");
if (existsSync(examplesDir)) {
  for (const name of readdirSync(examplesDir).sort()) {
    const dir = join(examplesDir, name);
    if (!existsSync(join(dir, "asconfig.json"))) continue;
    jobs.push({
      label: `examples/${name}`, cwd: dir, output: join(dir, "build", "filter.wasm"),
      args: ["assembly/index.ts", "--config", "asconfig.json", "--target", "release"],
    });
  }
}
const filtersDir = join(root, "test", "filters");
if (existsSync(filtersDir)) {
  for (const file of readdirSync(filtersDir).sort()) {
    if (!file.endsWith(".ts")) continue;
    const out = join("test", "build", file.replace(/\.ts$/, ".wasm"));
    jobs.push({ label: `test/filters/${file}`, cwd: root, output: join(root, out), args: [join("test", "filters", file), "--config", "asconfig.json", "-o", out] });
  }
}

let failed = 0;
for (const job of jobs) {
  rmSync(`${job.output}.map`, { force: true }); // a map left by an earlier build proves nothing
  const errors =
    (await compile(job.args, job.cwd)) ||
    (existsSync(`${job.output}.map`) ? "" : `no source map beside ${relative(root, job.output)} (the SDK's asconfig.json sets "sourceMap")`) ||
    (await checkBuilt(job.output));
  if (errors) {
    failed++;
    console.error(`✗ ${job.label}\n${errors}\n`);
  }
}
console.log(`built ${jobs.length - failed} of ${jobs.length} filters${failed ? `, ${failed} failed` : ""}`);
process.exitCode = failed ? 1 : 0;
