// `proxy-wasm-as build [DIR] [--target release|debug]`: builds every filter of a project at once
// (assembly/index.ts → the release target's outFile, default build/filter.wasm; each
// assembly/NAME/index.ts → build/NAME.wasm, as `init --add` lays them out) with asc and the
// project's asconfig.json, in worker threads, one per core, then checks each built module
// (one line each when it conforms). `--target debug` is the SDK's fast build for the edit-test
// loop: no optimization, no converge (a few seconds instead of ten or more); release for the
// proxy.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { checkFile } from "./check.js";
import type { Io } from "./io.js";
import { one, parseOptions, UsageError } from "./options.js";
import { formatProblemsText } from "./report-text.js";

export const BUILD_USAGE = `Usage: proxy-wasm-as build [DIR] [--target release|debug]

Builds every filter of the project in DIR (default .) with asc and the project's asconfig.json,
several at once (one per core), then checks each against Proxy-Wasm ABI v0.2.1:
  assembly/index.ts       → the target's outFile in asconfig.json (default build/filter.wasm)
  assembly/NAME/index.ts  → build/NAME.wasm (a filter added with "init --add NAME")

Options:
  --target NAME   the asconfig.json target (default release). "debug" is the SDK's fast build
                  for the edit-test loop (no optimization: seconds, a bigger .wasm); build
                  release before you deploy
  --help          print this help

Exit status: 0 every filter built and conforms, 1 a build failed or a module does not conform,
2 bad usage (no asconfig.json, no filter found).
`;

export interface FilterBuild {
  entry: string;
  outFile: string;
}

/** The project's filters, by the layout init and init --add write. */
export function projectFilters(dir: string, target: string): FilterBuild[] {
  const config = join(dir, "asconfig.json");
  if (!existsSync(config))
    throw new UsageError(`${dir} has no asconfig.json (start a project with "proxy-wasm-as init NAME")`);
  let targets: Record<string, { outFile?: string }> | undefined;
  try {
    targets = JSON.parse(readFileSync(config, "utf8")).targets;
  } catch {
    throw new UsageError(`${config} is not valid JSON`);
  }
  // The debug build writes where the release build does: the tests load that file.
  const outFile = targets?.[target]?.outFile ?? targets?.release?.outFile ?? "build/filter.wasm";
  const out: FilterBuild[] = [];
  if (existsSync(join(dir, "assembly", "index.ts"))) out.push({ entry: "assembly/index.ts", outFile });
  const assembly = join(dir, "assembly");
  const subdirs = existsSync(assembly)
    ? readdirSync(assembly, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort()
    : [];
  for (const name of subdirs)
    if (existsSync(join(assembly, name, "index.ts")))
      out.push({ entry: `assembly/${name}/index.ts`, outFile: `build/${name}.wasm` });
  if (out.length === 0) throw new UsageError(`${dir} has no filter (assembly/index.ts or assembly/NAME/index.ts)`);
  return out;
}

// The worker: asc's API, one build at a time (its transforms keep per-compile state). A worker
// cannot change directory, so each build names the project as asc's --baseDir.
const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
import(workerData.asc).then(({ default: asc }) => {
  parentPort.on("message", async (job) => {
    let stderr = "";
    let error = "";
    try {
      const r = await asc.main([...job.args, "--baseDir", job.cwd], { stdout: { write() { return true; } }, stderr: { write(s) { stderr += s; return true; } } });
      if (r.error) error = r.error.message;
    } catch (e) {
      error = String((e && e.stack) || e);
    }
    parentPort.postMessage({ error, stderr });
  });
  parentPort.postMessage(null);
});`;

export interface BuildResult {
  build: FilterBuild;
  error: string;
  stderr: string;
}

/** Compiles the builds in `lanes` worker threads; each result once its build is done. */
export async function compileInParallel(
  dir: string,
  builds: FilterBuild[],
  target: string,
  lanes: number,
): Promise<BuildResult[]> {
  const asc = pathToFileURL(createRequire(import.meta.url).resolve("assemblyscript/dist/asc.js")).href;
  const queue = [...builds];
  const results: BuildResult[] = [];
  const lane = () =>
    new Promise<void>((done, fail) => {
      const worker = new Worker(WORKER, { eval: true, workerData: { asc } });
      let current: FilterBuild | null = null;
      const next = () => {
        current = queue.shift() ?? null;
        if (!current) return void worker.terminate().then(() => done());
        worker.postMessage({
          cwd: dir,
          args: [current.entry, "--config", "asconfig.json", "--target", target, "--outFile", current.outFile],
        });
      };
      worker.on("message", (m: { error: string; stderr: string } | null) => {
        if (m && current) results.push({ build: current, ...m });
        next();
      });
      worker.on("error", fail);
      worker.on("exit", (code) => {
        if (current) results.push({ build: current, error: `the compiler stopped (exit code ${code})`, stderr: "" });
        current = null;
        done();
      });
    });
  await Promise.all(Array.from({ length: lanes }, lane));
  return builds.map((b) => results.find((r) => r.build === b)!);
}

export async function build(args: string[], io: Io): Promise<number> {
  let dir: string, target: string, builds: FilterBuild[];
  try {
    const p = parseOptions(args, { target: { value: true, short: "t" }, help: { short: "h" } });
    if (p.flags.has("help")) {
      io.out(BUILD_USAGE);
      return 0;
    }
    if (p.positionals.length > 1) throw new UsageError(`one project folder only, got ${p.positionals.join(" ")}`);
    dir = resolve(p.positionals[0] ?? ".");
    target = one(p, "target") ?? "release";
    builds = projectFilters(dir, target);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`build: ${e.message}\nRun "proxy-wasm-as build --help" for the options.\n`);
    return 2;
  }
  const lanes = Math.min(builds.length, Math.max(1, availableParallelism()));
  const started = Date.now();
  const results = await compileInParallel(dir, builds, target, lanes);
  let failed = 0;
  for (const r of results) {
    const warnings = r.stderr.trim();
    if (r.error) {
      failed++;
      io.err(`${r.build.entry}: the build failed: ${r.error}\n${warnings ? `${warnings}\n` : ""}`);
      continue;
    }
    if (warnings) io.err(`${warnings}\n`);
    const checked = await checkFile(join(dir, r.build.outFile));
    if (checked.status === "unreadable") {
      failed++;
      io.err(`${r.build.outFile}: ${checked.error}\n`);
    } else {
      if (checked.status !== "conformant") failed++;
      io.out(formatProblemsText(r.build.outFile, checked));
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  io.out(
    `built ${builds.length - failed} of ${builds.length} filter${builds.length === 1 ? "" : "s"} (--target ${target}, ${lanes} at a time) in ${seconds} s\n`,
  );
  return failed ? 1 : 0;
}
