// Builds every filter in the repository to .wasm: each example (examples/NAME, through its own
// asconfig.json, as a user would) and the SDK's own test filters (test/filters/*.ts →
// test/build/*.wasm), then checks each against the ABI. Compiles through asc's API in worker
// threads, one per core, which is much faster than one process per filter.
//
// A filter whose last build read exactly the files it would read now (same contents, same
// absent candidates, same compiler and transforms, same arguments) and whose .wasm and map are
// still what that build wrote is not compiled again (scripts/build-inputs.mjs); `--force`
// rebuilds all. The record lives in node_modules/.cache, so a clean install builds everything.
// The SDK's asconfig.json keeps each build's source map beside it (NAME.wasm.map: traps then
// name the TypeScript line); a build without one is an error.
import { checkFile } from "../dist/cli/check.js";
import { formatReportText } from "../dist/cli/report-text.js";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { fileHash, toolchainKey, unchanged } from "./build-inputs.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const force = process.argv.includes("--force");
const recordFile = join(root, "node_modules", ".cache", "proxy-wasm-as", "builds.json");

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
      label: `examples/${name}`,
      cwd: dir,
      output: join(dir, "build", "filter.wasm"),
      args: ["assembly/index.ts", "--config", "asconfig.json", "--target", "release"],
    });
  }
}
const filtersDir = join(root, "test", "filters");
if (existsSync(filtersDir)) {
  for (const file of readdirSync(filtersDir).sort()) {
    if (!file.endsWith(".ts")) continue;
    const out = join("test", "build", file.replace(/\.ts$/, ".wasm"));
    jobs.push({
      label: `test/filters/${file}`,
      cwd: root,
      output: join(root, out),
      args: [join("test", "filters", file), "--config", "asconfig.json", "-o", out],
    });
  }
}

let records = {};
try {
  records = JSON.parse(readFileSync(recordFile, "utf8"));
} catch {
  // first build, or a clean install
}
const toolchain = toolchainKey(root);
const key = (job) => JSON.stringify([toolchain, job.cwd, job.args]);
const upToDate = (job) => {
  const r = records[job.label];
  return (
    !force &&
    r?.key === key(job) &&
    r.wasm === fileHash(job.output) &&
    r.map === fileHash(`${job.output}.map`) &&
    unchanged(r.inputs)
  );
};

const stale = jobs.filter((job) => !upToDate(job));
// Longest builds first (as last measured), so the workers finish together.
stale.sort((a, b) => (records[b.label]?.ms ?? 0) - (records[a.label]?.ms ?? 0));
const errors = new Map();

/** Compiles the queue's jobs in worker threads, one per core; records each success. */
async function compileAll(queue) {
  const lane = () =>
    new Promise((done) => {
      const worker = new Worker(new URL("./build-worker.mjs", import.meta.url));
      let job = null;
      let started = 0;
      const next = () => {
        job = queue.shift() ?? null;
        if (!job) return void worker.terminate();
        rmSync(`${job.output}.map`, { force: true }); // a map left by an earlier build proves nothing
        delete records[job.label];
        started = performance.now();
        worker.postMessage(job);
      };
      worker.on("message", ({ error, inputs }) => {
        const ms = Math.round(performance.now() - started);
        const missingMap = existsSync(`${job.output}.map`)
          ? ""
          : `no source map beside ${relative(root, job.output)} (the SDK's asconfig.json sets "sourceMap")`;
        if (error || missingMap) errors.set(job.label, error || missingMap);
        else
          records[job.label] = {
            key: key(job),
            inputs,
            wasm: fileHash(job.output),
            map: fileHash(`${job.output}.map`),
            ms,
          };
        next();
      });
      worker.on("error", (e) => job && errors.set(job.label, String(e?.stack ?? e)));
      worker.on("exit", (code) => {
        // A job still open here stopped its thread (asc exits when the compiler itself crashes);
        // a fresh worker takes the rest of the queue.
        if (!job) return done();
        if (!errors.has(job.label)) errors.set(job.label, `the compiler stopped (exit code ${code})`);
        job = null;
        done(queue.length ? lane() : undefined);
      });
      next();
    });
  const workers = Math.min(queue.length, Math.max(1, availableParallelism()));
  await Promise.all(Array.from({ length: workers }, lane));
}

await compileAll([...stale]);
for (const job of jobs) {
  if (!errors.has(job.label)) {
    const problem = await checkBuilt(job.output);
    if (problem) {
      errors.set(job.label, problem);
      delete records[job.label];
    }
  }
}
mkdirSync(dirname(recordFile), { recursive: true });
writeFileSync(recordFile, JSON.stringify(records));

for (const job of jobs) if (errors.has(job.label)) console.error(`✗ ${job.label}\n${errors.get(job.label)}\n`);
const failed = errors.size;
const reused = jobs.length - stale.length;
console.log(
  `built ${jobs.length - failed} of ${jobs.length} filters${reused ? ` (${reused} up to date)` : ""}${failed ? `, ${failed} failed` : ""}`,
);
process.exitCode = failed ? 1 : 0;
