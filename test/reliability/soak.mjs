#!/usr/bin/env node
// Soak: for every example (examples/*/build/filter.wasm), linear memory after 10,000 and after
// 1,000,000 random stream lifecycles (seeded, bodies up to 4 KB) must be equal, with no trap.
// The 10,000 are one seeded workload, replayed until the total: any growth after the first pass
// is a leak. With --vary, each pass has new random streams instead; memory may then also grow
// when a rarer, larger stream shows up late (a peak, not a leak).
// Needs the built emulator and filters: npx tsc -p tsconfig.build.json && node scripts/build-examples.mjs
//
//   node test/reliability/soak.mjs [--first 10000] [--total 1000000] [--only name,name] [--faults 0.02] [--vary]
//
// --faults R also injects faults into a share R of host calls (and fails/times out upstream calls).
// Exit code 1 when any example grew or trapped.
import { parseArgs } from "node:util";
import { fresh, listExamples, runTraffic, Stats } from "./driver.mjs";

const { values } = parseArgs({
  options: {
    first: { type: "string", default: "10000" },
    total: { type: "string", default: "1000000" },
    only: { type: "string" },
    faults: { type: "string", default: "0" },
    seed: { type: "string", default: "1" },
    vary: { type: "boolean", default: false },
  },
});
const first = Number(values.first),
  total = Number(values.total),
  rate = Number(values.faults),
  seed = Number(values.seed);
const only = values.only ? values.only.split(",") : null;
const vary = values.vary;

let failed = 0,
  streams = 0,
  faults = 0;
const started = Date.now();
console.log(`example               streams   memory@${first}  memory@${total}  growth  traps  faults   seconds`);
for (const example of listExamples()) {
  if (only && !only.includes(example.name)) continue;
  const t0 = Date.now();
  const env = await fresh(example, { record: false });
  const injector = rate > 0 ? env.host.injectFaults({ seed, rate, upstream: { fail: 0.1, timeout: 0.05 } }) : null;
  const stats = new Stats();
  let done = 0,
    memFirst = 0,
    chunk = 0;
  while (done < total && stats.traps === 0) {
    const n = Math.min(first, total - done);
    runTraffic(env, {
      seed: vary ? seed * 1_000_003 + chunk++ : seed,
      count: n,
      large: false,
      stats,
      deletedCallbacks: 0.001,
    });
    done += n;
    if (done === first) memFirst = env.vm.memoryBytes;
  }
  const memLast = env.vm.memoryBytes;
  const growth = memLast - memFirst;
  const injected = injector ? injector.injected + injector.upstreamFailures + injector.upstreamTimeouts : 0;
  streams += done;
  faults += injected;
  if (growth !== 0 || stats.traps > 0) failed++;
  console.log(
    `${example.name.padEnd(20)} ${String(done).padStart(9)} ${String(memFirst).padStart(14)} ${String(memLast).padStart(14)} ${String(growth).padStart(7)} ${String(stats.traps).padStart(6)} ${String(injected).padStart(7)} ${((Date.now() - t0) / 1000).toFixed(1).padStart(9)}`,
  );
  if (stats.problems.length) console.log("   " + stats.problems.slice(0, 5).join("\n   "));
}
console.log(
  `${streams} streams, ${faults} faults, ${failed} example(s) grew or trapped, ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
process.exitCode = failed ? 1 : 0;
