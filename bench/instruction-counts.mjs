// Executed wasm instructions per callback, for each contender and workload: the benchmark's
// machine-independent measure. Each filter's counting copy (instruction-counter.mjs) runs in the
// emulator; the counter is read around every callback the host makes. Host functions are
// JavaScript and cost nothing here, so every contender pays the same host; an allocation the host
// asks for during a callback (proxy_on_memory_allocate) is charged to that callback.
//
// Two sets of figures: COUNTED_WORKLOADS (the three original workloads, per callback) and the
// matrix (bench/matrix.mjs: every workload at every size, in WINDOWS windows, with the spread,
// the peak linear memory and the bytes the host copied in).
//
// `node bench/instruction-counts.mjs [--only floor,ours,rust] [--points add-header,body-pass] [--json]`
// prints the matrix; it builds the emulator, the floor's and our filters first when they are
// missing or stale (G-Core and solo.io need `npm run bench` once: it installs their SDKs).
import { readFileSync } from "node:fs";
import { hasFilter } from "./contenders.mjs";
import { at } from "./paths.mjs";
import { ensureEmulator } from "./prepare.mjs";

// The emulator is built first when missing or stale (run standalone); the modules that load it
// come after.
ensureEmulator((message) => console.error(`[prepare] ${message}`));
const { Host } = await import(at("dist/host/index.js"));
const {
  BODY_BYTES,
  CHUNK,
  CHUNK_BYTES,
  CONFIGURATION,
  COUNTER,
  RESPONSE_HEADERS,
  SHARED_KEY,
  SHARED_VALUE,
  requestHeaders,
} = await import("./workloads.mjs");
const { MATRIX, WINDOWS } = await import("./matrix.mjs");
const { COUNTER_EXPORT, instrumentForCounting } = await import("./instruction-counter.mjs");

/** The callbacks of one HTTP stream, in the order the tables show them. */
export const STREAM_CALLBACKS = [
  ["proxy_on_context_create", "create"],
  ["proxy_on_request_headers", "request headers"],
  ["proxy_on_request_body", "request body"],
  ["proxy_on_response_headers", "response headers"],
  ["proxy_on_done", "done"],
  ["proxy_on_log", "log"],
  ["proxy_on_delete", "delete"],
];

/**
 * The counted workloads. `stream(plugin)` drives one stream; `warmUp` streams run first (the
 * SDK's first stream pays one-time costs), then `streams` are counted and averaged.
 */
export const COUNTED_WORKLOADS = [
  {
    id: "add-header",
    filter: "add-header",
    warmUp: 200,
    streams: 2000,
    title: "add-header: 10 request headers, read :path, add one request and one response header",
    stream(plugin) {
      const s = plugin.newHttpStream();
      s.requestHeaders(TEN_HEADERS, { endOfStream: true });
      s.responseHeaders(RESPONSE_HEADERS, { endOfStream: true });
      s.complete();
    },
  },
  {
    id: "body",
    filter: "body",
    warmUp: 2,
    streams: 10,
    title: `body: ${BODY_BYTES / 1024 / 1024} MiB request body in ${CHUNK_BYTES / 1024} KiB chunks, each read, upper-cased and written back`,
    stream(plugin) {
      const s = plugin.newHttpStream();
      s.requestHeaders(TEN_HEADERS, { endOfStream: false });
      const chunks = BODY_BYTES / CHUNK_BYTES;
      for (let i = 0; i < chunks; i++) s.requestBody(CHUNK, i === chunks - 1);
      s.complete();
    },
  },
  {
    id: "metric-shared",
    filter: "metric-shared",
    warmUp: 200,
    streams: 2000,
    title: `metric-shared: increment the counter ${COUNTER} and read the shared-data key ${SHARED_KEY} per request`,
    stream(plugin) {
      const s = plugin.newHttpStream();
      s.requestHeaders(TEN_HEADERS, { endOfStream: true });
      s.complete();
    },
  },
];
const TEN_HEADERS = requestHeaders(10);

/** A VM of `bytes` (an instrumented module) loaded in a fresh lean Host, as every workload expects. */
async function loadVmOf(bytes) {
  const host = new Host({ record: false, logLevel: "info" });
  host.sharedData.set(SHARED_KEY, SHARED_VALUE);
  return { host, vm: await host.loadVm(bytes) };
}

/** A plugin of `bytes` (an instrumented module) started in a fresh lean Host. */
export async function startPluginOf(bytes, rootId, configuration = CONFIGURATION) {
  const { host, vm } = await loadVmOf(bytes);
  const plugin = vm.startPlugin({ rootId, configuration });
  if (!plugin.configured) throw new Error("the plugin did not start");
  return { host, vm, plugin };
}

/** Calls `charge(name, before)` after every callback the host makes into `vm` (cli/cost.ts). */
export const chargeCallbacks = (await import(at("dist/cli/cost.js"))).chargeEachCallback;

/**
 * Loads the counting copy of `wasmPath` and charges every callback's instructions to its name.
 * Returns the plugin and `take()`, which returns and resets the per-callback totals.
 */
export async function countingPlugin(wasmPath, rootId) {
  const { vm, plugin } = await startPluginOf(await instrumentForCounting(readFileSync(wasmPath)), rootId);
  const counter = vm.exports[COUNTER_EXPORT];
  let totals = new Map();
  chargeCallbacks(
    vm,
    () => counter.value,
    (name, before) => {
      totals.set(name, (totals.get(name) ?? 0n) + (counter.value - before));
    },
  );
  return {
    plugin,
    take() {
      const t = totals;
      totals = new Map();
      return t;
    },
  };
}

/** Average executed instructions per stream of `workload`, per callback, and their total. */
export async function countWorkload(wasmPath, rootId, workload) {
  const { plugin, take } = await countingPlugin(wasmPath, rootId);
  for (let i = 0; i < workload.warmUp; i++) workload.stream(plugin);
  take();
  for (let i = 0; i < workload.streams; i++) workload.stream(plugin);
  const totals = take();
  const perCallback = {};
  let total = 0;
  for (const [name, sum] of totals) {
    const avg = Math.round(Number(sum) / workload.streams);
    perCallback[name] = avg;
    total += avg;
  }
  return { perCallback, total };
}

/** The table of one workload: one row per contender, one column per callback it uses. */
export function formatCountTable(rows) {
  const used = STREAM_CALLBACKS.filter(([name]) => rows.some((r) => r.counts.perCallback[name] !== undefined));
  const fmt = (n) => (n === undefined ? "–" : n.toLocaleString("en-US"));
  const lines = [
    `| filter | total | ${used.map(([, label]) => label).join(" | ")} |`,
    `|---|---:|${used.map(() => "---:").join("|")}|`,
  ];
  for (const r of rows)
    lines.push(
      `| ${r.label} | ${fmt(r.counts.total)} | ${used.map(([name]) => fmt(r.counts.perCallback[name])).join(" | ")} |`,
    );
  return lines.join("\n");
}

/**
 * Counts one matrix point (bench/matrix.mjs) for one build: per window, instructions per stream
 * (or per start); over all windows, the mean per callback, the peak linear memory and the bytes
 * the host copied into the module per stream (every copy goes through the module's allocator).
 */
export async function countPoint(wasmPath, rootId, point) {
  const bytes = await instrumentForCounting(readFileSync(wasmPath));
  const windows = [];
  const perCallback = new Map();
  const copiedPerCallback = new Map();
  let peakBytes = 0;
  let units = 0;
  /** Counts what `drive` makes `vm` execute, per callback; returns the instructions. */
  const counted = (vm, drive) => {
    const counter = vm.exports[COUNTER_EXPORT];
    let total = 0n;
    let current = null;
    const alloc = vm.memory.alloc;
    vm.memory.alloc = function (data) {
      if (current) copiedPerCallback.set(current, (copiedPerCallback.get(current) ?? 0) + data.length);
      return alloc.call(this, data);
    };
    chargeCallbacks(
      vm,
      () => counter.value,
      (name, before) => {
        const spent = counter.value - before;
        total += spent;
        perCallback.set(name, (perCallback.get(name) ?? 0n) + spent);
        peakBytes = Math.max(peakBytes, vm.memoryBytes);
      },
    );
    // The allocation hook needs the callback's name: wrap once more, outside the charging.
    const call = vm.call;
    vm.call = function (name, ...rest) {
      const outer = current;
      current ??= name;
      try {
        return call.call(this, name, ...rest);
      } finally {
        current = outer;
      }
    };
    drive();
    vm.call = call;
    vm.memory.alloc = alloc;
    return total;
  };
  if (point.kind === "start") {
    for (let w = 0; w < WINDOWS; w++) {
      const { vm } = await loadVmOf(bytes);
      let plugin;
      const spent = counted(vm, () => {
        plugin = vm.startPlugin({ rootId, configuration: point.configuration });
      });
      if (!plugin.configured) throw new Error(`${wasmPath}: the plugin refused its configuration`);
      windows.push(Number(spent));
      units++;
    }
  } else {
    const { host, vm, plugin } = await startPluginOf(bytes, rootId);
    for (let i = 0; i < point.warmUp; i++) point.stream(plugin, host).complete();
    peakBytes = vm.memoryBytes;
    if (point.check) {
      const s = point.stream(plugin, host);
      point.check(s);
      s.complete();
    }
    perCallback.clear();
    copiedPerCallback.clear();
    counted(vm, () => {
      for (let w = 0; w < WINDOWS; w++) {
        const before = vm.exports[COUNTER_EXPORT].value;
        for (let i = 0; i < point.perWindow; i++) point.stream(plugin, host).complete();
        windows.push(Number(vm.exports[COUNTER_EXPORT].value - before) / point.perWindow);
        units += point.perWindow;
      }
    });
  }
  const average = (sum) => Math.round(Number(sum) / units);
  return {
    mean: Math.round(windows.reduce((a, b) => a + b, 0) / windows.length),
    min: Math.round(Math.min(...windows)),
    max: Math.round(Math.max(...windows)),
    perCallback: Object.fromEntries([...perCallback].map(([name, sum]) => [name, average(sum)])),
    copiedPerCallback: Object.fromEntries([...copiedPerCallback].map(([name, sum]) => [name, average(sum)])),
    peakBytes,
  };
}

/** Every point of `points` for every contender that has its filter ("not available": null). */
export async function countMatrix(contenders, points = MATRIX, log = () => {}) {
  const results = {};
  for (const point of points) {
    log(point.id);
    results[point.id] = {};
    for (const c of contenders) {
      results[point.id][c.id] = hasFilter(c, point.filter)
        ? await countPoint(c.wasm(point.filter), c.rootId, point)
        : null;
    }
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (flag) => {
    const i = process.argv.indexOf(flag);
    return i > 0 ? process.argv[i + 1].split(",") : null;
  };
  const only = arg("--only");
  const families = arg("--points");
  const json = process.argv.includes("--json");
  const { prepare } = await import("./prepare.mjs");
  await prepare({ log: (m) => console.error(`[prepare] ${m}`), withExamples: false, withOtherSdks: false });
  const { MATRIX_CONTENDERS } = await import("./contenders.mjs");
  const { formatMatrix } = await import("./matrix-report.mjs");
  const contenders = MATRIX_CONTENDERS().filter((c) => !only || only.includes(c.id));
  const points = MATRIX.filter((p) => !families || families.includes(p.family));
  const results = await countMatrix(contenders, points, (id) => console.error(`[count] ${id}`));
  const unbuilt = contenders.filter((c) => c.kind === "npm" && !hasFilter(c, "add-header"));
  if (unbuilt.length)
    console.error(
      `[count] ${unbuilt.map((c) => c.label).join(" and ")}: not built; run \`npm run bench\` once (it installs their SDKs with npm ci)`,
    );
  if (json) console.log(JSON.stringify(results, null, 2));
  else console.log(formatMatrix(results, contenders, points));
}
