// Builds what the benchmarks load, skipping whatever is newer than its sources: the emulator
// (tsc), the contenders' filters (WAT with wabt, ours with asc and the repository's
// asconfig.json, G-Core and solo with `npm ci` and their own pinned compilers) and the examples.
import asc from "assemblyscript/asc";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { CALIBRATION, CONTENDERS, FILTERS, MATRIX_FILTERS } from "./contenders.mjs";
import { at, ROOT } from "./paths.mjs";

const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0);

/** Every file under `dir` (recursively, skipping node_modules and build). */
function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === "node_modules" || e.name === "build") return [];
    const path = join(dir, e.name);
    return e.isDirectory() ? filesUnder(path) : [path];
  });
}

/** Whether `target` exists and is newer than every source. */
function upToDate(target, sources) {
  const t = mtime(target);
  return t > 0 && sources.every((s) => mtime(s) < t);
}

function run(command, args, cwd) {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", shell: process.platform === "win32" });
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} (in ${cwd}) failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Runs asc in-process in directory `cwd`; throws with its messages on failure. */
async function compileAsc(args, cwd) {
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    const { error, stderr } = await asc.main(args, { stdout: { write() {} } });
    if (error) throw new Error(`asc ${args.join(" ")} failed: ${error.message}\n${stderr.toString()}`);
  } finally {
    process.chdir(previous);
  }
}

async function compileWat(source, output) {
  const wabt = await (await import("wabt")).default();
  const module = wabt.parseWat(source, readFileSync(source, "utf8"));
  try {
    module.validate();
    writeFileSync(output, Buffer.from(module.toBinary({}).buffer));
  } finally {
    module.destroy();
  }
}

export function ensureEmulator(log) {
  const built = at("dist/host/index.js");
  if (upToDate(built, [...filesUnder(at("host")), ...filesUnder(at("cli")), at("tsconfig.build.json")])) return;
  log("building the emulator (tsc -p tsconfig.build.json)");
  run(process.execPath, [at("node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], ROOT);
}

const SDK_SOURCES = () => [...filesUnder(at("assembly")), ...filesUnder(at("asc-transform")), at("asconfig.json")];

/** The command line of a contender's `npm run build`, split into words. */
function buildCommand(dir) {
  const script = JSON.parse(readFileSync(at(dir, "package.json"), "utf8")).scripts.build;
  return script.split(/\s+/);
}

async function buildContender(c, log) {
  if (c.kind === "npm") {
    const lock = at(c.dir, "package-lock.json");
    const installed = mtime(at(c.dir, "node_modules/.package-lock.json"));
    if (installed === 0 || installed < mtime(lock)) {
      log(`${c.dir}: npm ci`);
      run("npm", ["ci", "--no-audit", "--no-fund"], at(c.dir));
    }
  }
  const filters =
    c.kind === "wat"
      ? [...FILTERS, ...MATRIX_FILTERS, CALIBRATION]
      : c.kind === "ours"
        ? [...FILTERS, ...MATRIX_FILTERS]
        : FILTERS;
  for (const filter of filters) {
    const source = c.source(filter);
    const output = c.wasm(filter);
    const sources = [source];
    if (c.kind === "ours") sources.push(...SDK_SOURCES());
    if (c.kind === "npm") sources.push(at(c.dir, "package.json"));
    if (c.kind === "npm") sources.push(at(c.dir, "node_modules/.package-lock.json"));
    if (upToDate(output, sources)) continue;
    mkdirSync(dirname(output), { recursive: true });
    log(`building ${c.id}/${filter}`);
    if (c.kind === "wat") await compileWat(source, output);
    else if (c.kind === "ours") await compileAsc([source, "--config", "asconfig.json", "-o", output], ROOT);
    else if (filter === "add-header") run("npm", ["run", "build", "--silent"], at(c.dir));
    else {
      // The same command line as `npm run build`, with this filter's entry and output.
      const [tool, , ...rest] = buildCommand(c.dir);
      const args = rest.map((word) => (word === "build/filter.wasm" ? `build/${filter}.wasm` : word));
      run(process.execPath, [at(c.dir, "node_modules/.bin", tool), `assembly/${filter}.ts`, ...args], at(c.dir));
    }
  }
}

/** Ours' add-header again with a name section (asc --debug), so profiles can name functions. */
async function buildNamed(c, log) {
  const output = c.namedWasm();
  if (upToDate(output, [c.source("add-header"), ...SDK_SOURCES()])) return;
  log(`building ${c.id}/add-header with names`);
  await compileAsc([c.source("add-header"), "--config", "asconfig.json", "--debug", "-o", output], ROOT);
}

/** The examples with an asconfig.json, each built as a user would (--target release). */
export function examples() {
  const dir = at("examples");
  return readdirSync(dir)
    .sort()
    .filter((name) => existsSync(join(dir, name, "asconfig.json")))
    .map((name) => ({ name, dir: join(dir, name), wasm: join(dir, name, "build", "filter.wasm") }));
}

async function buildExamples(log) {
  const failures = {};
  for (const ex of examples()) {
    if (upToDate(ex.wasm, [...filesUnder(join(ex.dir, "assembly")), join(ex.dir, "asconfig.json"), ...SDK_SOURCES()]))
      continue;
    log(`building examples/${ex.name}`);
    try {
      await compileAsc(["assembly/index.ts", "--config", "asconfig.json", "--target", "release"], ex.dir);
    } catch (e) {
      failures[ex.name] = e.message.split("\n")[0];
    }
  }
  return failures;
}

/**
 * Builds everything; returns the examples that failed to build ({ name: message }).
 * `withOtherSdks: false` builds only the floor and ours (no `npm ci`, so no network).
 */
export async function prepare({ log = console.log, withExamples = true, withOtherSdks = true } = {}) {
  ensureEmulator(log);
  for (const c of CONTENDERS) if (withOtherSdks || c.kind !== "npm") await buildContender(c, log);
  for (const c of CONTENDERS) if (c.namedWasm) await buildNamed(c, log);
  return withExamples ? await buildExamples(log) : {};
}
