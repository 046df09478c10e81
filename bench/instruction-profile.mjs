// Where a filter's instructions go: executed wasm instructions per callback and per function
// (each function's own instructions, not its callees'), for a build with a name section
// (asc --debug). The tool used to find the SDK's hot spots; not part of the report.
//
//   node bench/instruction-profile.mjs FILE.wasm [POINT=add-header/17] [ROWS=12]
// POINT: a workload of instruction-counts.mjs (add-header, body, metric-shared) or a point of
// the matrix (bench/matrix.mjs: add-header/1024, headers-all/10, ...).
import { readFileSync } from "node:fs";
import wabtInit from "wabt";
import { addCounter } from "./instruction-counter.mjs";
import { chargeCallbacks, COUNTED_WORKLOADS, startPluginOf } from "./instruction-counts.mjs";
import { MATRIX } from "./matrix.mjs";

const FEATURES = { mutable_globals: true, sign_extension: true, bulk_memory: true, sat_float_to_int: true, multi_value: true };

/** The module with one counter per function (exported as __count_N), and the functions' names. */
async function instrumentPerFunction(bytes) {
  const w = await wabtInit();
  const mod = w.readWasm(new Uint8Array(bytes), { ...FEATURES, readDebugNames: true });
  mod.generateNames();
  mod.applyNames();
  const text = mod.toText({ foldExprs: false, inlineExport: false });
  mod.destroy();
  // The text is the module's items, one per "  (" line: instrument each function on its own.
  const items = text.split(/\n(?=  \()/);
  const names = [];
  const out = items.map((item) => {
    if (!item.startsWith("  (func ")) return item;
    names.push(item.match(/^ {2}\(func (\$\S+)/)?.[1] ?? `function ${names.length}`);
    const n = names.length;
    const counted = addCounter(`${item}\n  (export "x" (func 0))`).split("\n")
      .filter((l) => !l.includes("(export ") && !l.includes("(global $__count"))
      .join("\n");
    return counted.replaceAll("$__count", `$__count_${n}`);
  });
  const globals = names.map((_, i) => `  (global $__count_${i + 1} (mut i64) (i64.const 0))\n  (export "__count_${i + 1}" (global $__count_${i + 1}))`);
  const firstExport = out.findIndex((item) => item.startsWith("  (export "));
  out.splice(firstExport, 0, ...globals);
  const parsed = w.parseWat("profile.wat", out.join("\n"), FEATURES);
  parsed.resolveNames();
  parsed.validate();
  const binary = parsed.toBinary({}).buffer;
  parsed.destroy();
  return { binary, names };
}

const [file, workloadId = "add-header/17", rows = "12"] = process.argv.slice(2);
if (!file) {
  console.error("usage: node bench/instruction-profile.mjs FILE.wasm [POINT] [ROWS]");
  process.exit(2);
}
const point = MATRIX.find((p) => p.id === workloadId && p.kind !== "start");
const workload = COUNTED_WORKLOADS.find((w) => w.id === workloadId) ??
  (point && { warmUp: point.warmUp, streams: point.perWindow * 4, stream: (plugin, host) => point.stream(plugin, host).complete() });
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
  snapshot().forEach((v, i) => { sums[i] += v - before[i]; });
  perCallback.set(name, sums);
});
for (let i = 0; i < workload.streams; i++) workload.stream(plugin, host);
for (const [callback, sums] of perCallback) {
  const list = names.map((n, i) => [n, Number(sums[i]) / workload.streams]).filter(([, c]) => c >= 0.5).sort((a, b) => b[1] - a[1]);
  console.log(`${callback}: ${Math.round(list.reduce((t, [, c]) => t + c, 0))}`);
  for (const [n, c] of list.slice(0, Number(rows))) console.log(`${c.toFixed(1).padStart(9)}  ${n}`);
}
