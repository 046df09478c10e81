// `npm run bench`: builds what is needed, runs every benchmark on this machine and writes
// docs/performance.md. Exits non-zero when a filter misbehaves or the memory of the
// http-headers example grows.
//   node bench/run.mjs [--quick] [--out FILE]
// --quick: a few iterations of everything (the smoke test); numbers meaningless.
import { execFileSync } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import os from "node:os";
import { prepare } from "./prepare.mjs";
import { at } from "./paths.mjs";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const outIndex = args.indexOf("--out");
const outFile = outIndex >= 0 ? args[outIndex + 1] : at("docs/performance.md");
const log = (message) => console.error(`[bench] ${message}`);

const settings = quick
  ? {
      rounds: 3,
      warmupMs: 5,
      batchMs: 3,
      coldRounds: 1,
      memory: { first: 100, total: 1_000 },
      profileSeconds: 0.3,
      countIterations: 5,
    }
  : {
      rounds: 25,
      warmupMs: 300,
      batchMs: 100,
      coldRounds: 15,
      memory: { first: 1_000, total: 1_000_000 },
      profileSeconds: 3,
      countIterations: 200,
    };

const loadAtStart = os.loadavg()[0];
/** The commit measured, and the SDK/emulator files that differed from it when the run started. */
const git = (...a) => execFileSync("git", a, { cwd: at("."), encoding: "utf8" });
const revision = {
  commit: git("rev-parse", "--short", "HEAD").trim(),
  dirty: git("status", "--porcelain", "--", "assembly", "host", "asconfig.json")
    .split("\n")
    .filter(Boolean)
    .map((l) => l.slice(3)),
};
const exampleFailures = await prepare({ log });

// Loaded after prepare: they import the emulator from dist/.
const { CONTENDERS } = await import("./contenders.mjs");
const { WORKLOADS } = await import("./workloads.mjs");
const { interleave } = await import("./measure.mjs");
const { calibrate } = await import("./calibrate.mjs");
const { measureColdStart } = await import("./cold-start.mjs");
const { measureMemory } = await import("./memory.mjs");
const { measureSizes } = await import("./sizes.mjs");
const { countHostCalls, cpuProfile } = await import("./profile.mjs");
const { wasmFunctions } = await import("./wasm-functions.mjs");
const { evaluateTargets } = await import("./targets.mjs");
const { renderReport } = await import("./report.mjs");

const timing = { rounds: settings.rounds, warmupMs: settings.warmupMs, batchMs: settings.batchMs };
const timings = {};
for (const w of WORKLOADS) {
  log(`${w.id}`);
  const entries = [];
  for (const c of CONTENDERS) {
    const bench = await w.setup(c);
    bench.verify();
    entries.push({ id: c.id, run: bench.run });
  }
  timings[w.id] = interleave(entries, timing);
}

log("executed instructions");
const { COUNTED_WORKLOADS, countWorkload, formatCountTable } = await import("./instruction-counts.mjs");
const instructionTables = [];
for (const w of COUNTED_WORKLOADS) {
  const rows = [];
  for (const c of CONTENDERS) rows.push({ label: c.label, counts: await countWorkload(c.wasm(w.filter), c.rootId, w) });
  instructionTables.push({ title: w.title, streams: w.streams, warmUp: w.warmUp, table: formatCountTable(rows) });
}

log("instruction matrix");
const { countMatrix } = await import("./instruction-counts.mjs");
const { MATRIX_CONTENDERS } = await import("./contenders.mjs");
const { MATRIX } = await import("./matrix.mjs");
const { matrixCharts } = await import("./charts.mjs");
const { evaluateMatrixTargets } = await import("./matrix-targets.mjs");
const matrixContenders = MATRIX_CONTENDERS();
const matrixPoints = quick
  ? MATRIX.map((p) => ({ ...p, warmUp: Math.min(p.warmUp ?? 0, 5), perWindow: Math.min(p.perWindow ?? 1, 3) }))
  : MATRIX;
const matrix = await countMatrix(matrixContenders, matrixPoints, (id) => log(`  ${id}`));
const charts = matrixCharts(matrix, matrixContenders, matrixPoints);
for (const [name, svg] of Object.entries(charts)) writeFileSync(join(dirname(outFile), name), svg);

log("body memory");
const { measureBodyMemory } = await import("./body-memory.mjs");
const bodyMemory = await measureBodyMemory();

log("emulator calibration");
const calibration = await calibrate(timing);
log("cold start");
const coldStart = measureColdStart(CONTENDERS, settings.coldRounds);
log("host calls per stream");
const hostCalls = await countHostCalls(CONTENDERS, settings.countIterations);
log("CPU profiles");
const ours = CONTENDERS.find((c) => c.id === "ours");
const profiles = {};
for (const c of CONTENDERS)
  profiles[c.id] = cpuProfile(c === ours ? ours.namedWasm() : c.wasm("add-header"), c.rootId, settings.profileSeconds);
log("sizes");
const sizes = measureSizes();
const oursBytes = { release: wasmFunctions(ours.wasm("add-header")), named: wasmFunctions(ours.namedWasm()) };
log(`memory (${settings.memory.total.toLocaleString("en")} streams)`);
const memory = await measureMemory(settings.memory);

const version = (dir) => JSON.parse(readFileSync(at(dir, "node_modules/assemblyscript/package.json"), "utf8")).version;
const env = {
  date: new Date().toISOString().slice(0, 10),
  cpu: os.cpus()[0]?.model?.trim() ?? "unknown CPU",
  cores: os.cpus().length,
  memoryGiB: os.totalmem() / 1024 ** 3,
  platform: `${os.platform()} ${os.arch()}`,
  /** 1-minute load average at the start and at the end of the run: other work on the machine. */
  load: [loadAtStart, os.loadavg()[0]],
  node: process.versions.node,
  revision,
  asc: version("."),
  ascSolo: version("bench/solo"),
};
const contenders = CONTENDERS.map((c) => ({ id: c.id, label: c.label, description: c.describe() }));
const targets = evaluateTargets({ timings, coldStart, sizes, memory });
const matrixTargets = evaluateMatrixTargets(matrix, matrixPoints, {
  helloWorld: sizes.examples.find((e) => e.name === "hello-world")?.bytes ?? NaN,
  addHeader: statSync(ours.wasm("add-header")).size,
});
writeFileSync(
  outFile,
  renderReport({
    env,
    contenders,
    instructionTables,
    matrix: {
      results: matrix,
      contenders: matrixContenders,
      points: matrixPoints,
      charts: Object.keys(charts),
      targets: matrixTargets,
    },
    bodyMemory,
    timings,
    coldStart,
    calibration,
    sizes,
    memory,
    hostCalls,
    profiles,
    oursBytes,
    targets,
    settings,
    exampleFailures,
  }) + "\n",
);
log(`wrote ${outFile}`);
for (const t of [...matrixTargets, ...targets])
  log(`${t.info ? "info" : t.pass ? "pass" : "FAIL"}: ${t.what}: ${t.measured}${t.miss ? ` (${t.miss})` : ""}`);
if (memory.grew) {
  log(`memory of examples/${memory.example} grew from ${memory.afterFirst} to ${memory.afterTotal} bytes`);
  process.exitCode = 1;
}
