// Where a filter's instructions go: executed wasm instructions per callback and per function
// (each function's own instructions, not its callees'), for a build with a name section
// (asc --debug). The tool used to find the SDK's hot spots; not part of the report.
//
//   node bench/instruction-profile.mjs FILE.wasm [POINT=add-header/17] [ROWS=12]
// POINT: a workload of instruction-counts.mjs (add-header, body, metric-shared) or a point of
// the matrix (bench/matrix.mjs: add-header/1024, headers-all/10, ...).
import { readFileSync } from "node:fs";
import { instrumentPerFunction } from "./instruction-counter.mjs";
import { chargeCallbacks, COUNTED_WORKLOADS, startPluginOf } from "./instruction-counts.mjs";
import { MATRIX } from "./matrix.mjs";

const [file, workloadId = "add-header/17", rows = "12"] = process.argv.slice(2);
if (!file) {
  console.error("usage: node bench/instruction-profile.mjs FILE.wasm [POINT] [ROWS]");
  process.exit(2);
}
const point = MATRIX.find((p) => p.id === workloadId && p.kind !== "start");
const workload =
  COUNTED_WORKLOADS.find((w) => w.id === workloadId) ??
  (point && {
    warmUp: point.warmUp,
    streams: point.perWindow * 4,
    stream: (plugin, host) => point.stream(plugin, host).complete(),
  });
if (!workload) {
  console.error(`no workload or stream point ${workloadId}`);
  process.exit(2);
}
const { binary, names } = await instrumentPerFunction(readFileSync(file));
const { host, vm, plugin } = await startPluginOf(binary, "add_header");
for (let i = 0; i < workload.warmUp; i++) workload.stream(plugin, host);

const snapshot = () => names.map((_, i) => vm.exports[`__count_${i + 1}`].value);
const perCallback = new Map();
chargeCallbacks(vm, snapshot, (name, before) => {
  const sums = perCallback.get(name) ?? names.map(() => 0n);
  snapshot().forEach((v, i) => {
    sums[i] += v - before[i];
  });
  perCallback.set(name, sums);
});
for (let i = 0; i < workload.streams; i++) workload.stream(plugin, host);
for (const [callback, sums] of perCallback) {
  const list = names
    .map((n, i) => [n, Number(sums[i]) / workload.streams])
    .filter(([, c]) => c >= 0.5)
    .sort((a, b) => b[1] - a[1]);
  console.log(`${callback}: ${Math.round(list.reduce((t, [, c]) => t + c, 0))}`);
  for (const [n, c] of list.slice(0, Number(rows))) console.log(`${c.toFixed(1).padStart(9)}  ${n}`);
}
