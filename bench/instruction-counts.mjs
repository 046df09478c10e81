// Executed wasm instructions per callback, for each contender and workload: the benchmark's
// machine-independent measure. Each filter's counting copy (instruction-counter.mjs) runs in the
// emulator; the counter is read around every callback the host makes. Host functions are
// JavaScript and cost nothing here, so every contender pays the same host; an allocation the host
// asks for during a callback (proxy_on_memory_allocate) is charged to that callback.
//
// `node bench/instruction-counts.mjs [--only floor,ours] [--json]` prints the tables.
import { readFileSync } from "node:fs";
import { COUNTER_EXPORT, instrumentForCounting } from "./instruction-counter.mjs";
import { at } from "./paths.mjs";
import { BODY_BYTES, CHUNK, CHUNK_BYTES, CONFIGURATION, COUNTER, RESPONSE_HEADERS, SHARED_KEY, SHARED_VALUE, requestHeaders } from "./workloads.mjs";

const { Host } = await import(at("dist/host/index.js"));

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
    id: "add-header", filter: "add-header", warmUp: 200, streams: 2000,
    title: "add-header: 10 request headers, read :path, add one request and one response header",
    stream(plugin) {
      const s = plugin.newHttpStream();
      s.requestHeaders(TEN_HEADERS, { endOfStream: true });
      s.responseHeaders(RESPONSE_HEADERS, { endOfStream: true });
      s.complete();
    },
  },
  {
    id: "body", filter: "body", warmUp: 2, streams: 10,
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
    id: "metric-shared", filter: "metric-shared", warmUp: 200, streams: 2000,
    title: `metric-shared: increment the counter ${COUNTER} and read the shared-data key ${SHARED_KEY} per request`,
    stream(plugin) {
      const s = plugin.newHttpStream();
      s.requestHeaders(TEN_HEADERS, { endOfStream: true });
      s.complete();
    },
  },
];
const TEN_HEADERS = requestHeaders(10);

/** A plugin of `bytes` (an instrumented module) started in a fresh lean Host, as every workload expects. */
export async function startPluginOf(bytes, rootId) {
  const host = new Host({ record: false, logLevel: "info" });
  host.sharedData.set(SHARED_KEY, SHARED_VALUE);
  const vm = await host.loadVm(bytes);
  const plugin = vm.startPlugin({ rootId, configuration: CONFIGURATION });
  if (!plugin.configured) throw new Error("the plugin did not start");
  return { vm, plugin };
}

/**
 * Calls `charge(name, before)` after every callback the host makes into `vm`, with what
 * `read()` returned before it. A callback the host makes while another runs (none today) is
 * charged to the outer one, as is an allocation the host asks for.
 */
export function chargeCallbacks(vm, read, charge) {
  const call = vm.call;
  let depth = 0;
  vm.call = function (name, ...rest) {
    if (depth++ > 0) {
      try { return call.call(this, name, ...rest); } finally { depth--; }
    }
    const before = read();
    try {
      return call.call(this, name, ...rest);
    } finally {
      depth--;
      charge(name, before);
    }
  };
}

/**
 * Loads the counting copy of `wasmPath` and charges every callback's instructions to its name.
 * Returns the plugin and `take()`, which returns and resets the per-callback totals.
 */
export async function countingPlugin(wasmPath, rootId) {
  const { vm, plugin } = await startPluginOf(await instrumentForCounting(readFileSync(wasmPath)), rootId);
  const counter = vm.exports[COUNTER_EXPORT];
  let totals = new Map();
  chargeCallbacks(vm, () => counter.value, (name, before) => {
    totals.set(name, (totals.get(name) ?? 0n) + (counter.value - before));
  });
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
  for (const r of rows) lines.push(`| ${r.label} | ${fmt(r.counts.total)} | ${used.map(([name]) => fmt(r.counts.perCallback[name])).join(" | ")} |`);
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { CONTENDERS } = await import("./contenders.mjs");
  const onlyAt = process.argv.indexOf("--only");
  const only = onlyAt > 0 ? process.argv[onlyAt + 1].split(",") : null;
  const json = process.argv.includes("--json");
  const results = {};
  for (const workload of COUNTED_WORKLOADS) {
    const rows = [];
    for (const c of CONTENDERS) {
      if (only && !only.includes(c.id)) continue;
      rows.push({ id: c.id, label: c.label, counts: await countWorkload(c.wasm(workload.filter), c.rootId, workload) });
    }
    results[workload.id] = rows;
    if (!json) console.log(`\n${workload.title}\n\n${formatCountTable(rows)}`);
  }
  if (json) console.log(JSON.stringify(results, null, 2));
}
