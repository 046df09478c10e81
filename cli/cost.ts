// `proxy-wasm-as cost FILTER.wasm`: what a filter costs, in executed wasm instructions counted
// exactly (instruction-count.ts, Wasmtime's fuel rules) while the emulator drives it: per
// callback of a standard stream (or of the streams a scenario file describes), for the plugin
// start, and per function (names from the name section). Machine-independent, unlike timings:
// the same filter and traffic always give the same figures.
import { readFile, writeFile } from "node:fs/promises";
import { Host } from "../host/index.js";
import type { HttpStream, Plugin, Vm } from "../host/index.js";
import type { Io } from "./io.js";
import { instrumentPerFunction } from "./instruction-count.js";
import { type ParsedOptions, parseOptions, UsageError } from "./options.js";

export const COST_USAGE = `Usage: proxy-wasm-as cost [options] FILTER.wasm

Counts the wasm instructions the filter executes (Wasmtime's fuel rules: every operator but
nop, drop, block, loop, else, end, unreachable and return costs 1) while the emulator starts
its plugin and drives streams through it: per callback, per stream and per function. The
figures depend only on the module and the traffic, never on the machine.

The standard stream: request headers (GET /hello, 7 headers), a 1 KiB request body, response
headers (200, 4 headers), a 1 KiB response body; an HTTP call the filter dispatches is answered
with 200 and an empty body.

Options:
  --scenario FILE       streams described in a JSON file instead (see docs/performance.md)
  --root-id ID          the plugin's root id (default: the scenario's, else "cost")
  --configuration TEXT  the plugin configuration (default: the scenario's, else empty)
  --streams N           streams counted (default 100), after --warm-up N (default 10)
  --top N               functions listed (default 15)
  --flame FILE.svg      also write a flame graph: the stream, its callbacks, their functions
  --json                print one JSON document instead of text
  --help                print this help

Function names come from the module's name section: build with asc --debug to have them.
Exit status: 0 counted, 1 the filter trapped or refused its configuration, 2 bad usage or file.
`;

/** One step of a scenario stream: the emulator call it makes. */
export type ScenarioStep =
  | { requestHeaders: [string, string][]; endOfStream?: boolean }
  | { requestBody: string; endOfStream?: boolean }
  | { requestTrailers: [string, string][] }
  | { responseHeaders: [string, string][]; endOfStream?: boolean }
  | { responseBody: string; endOfStream?: boolean }
  | { responseTrailers: [string, string][] };

export interface Scenario {
  rootId?: string;
  /** A string as is, anything else as JSON. */
  configuration?: unknown;
  /** The steps of every stream, in order; the stream then completes (log, done, delete). */
  stream: ScenarioStep[];
  /** The answer to every HTTP call the filter dispatches (default 200, empty body). */
  httpCallResponse?: { status?: number; headers?: [string, string][]; body?: string };
}

const KIB = "x".repeat(1024);

export const STANDARD_STREAM: Scenario = {
  stream: [
    {
      requestHeaders: [
        [":method", "GET"],
        [":path", "/hello"],
        [":authority", "example.com"],
        [":scheme", "https"],
        ["user-agent", "cost/1.0"],
        ["accept", "*/*"],
        ["x-request-id", "0f8fad5b-d9cb-469f-a165-70867728950e"],
      ],
      endOfStream: false,
    },
    { requestBody: KIB, endOfStream: true },
    {
      responseHeaders: [
        [":status", "200"],
        ["content-type", "text/plain"],
        ["content-length", "1024"],
        ["server", "upstream"],
      ],
      endOfStream: false,
    },
    { responseBody: KIB, endOfStream: true },
  ],
};

export interface CostReport {
  file: string;
  streams: number;
  warmUp: number;
  /** Instructions of the plugin start, per callback (context create, VM start, configure). */
  start: Record<string, number>;
  /** Mean instructions per stream, per callback, in the order they first ran. */
  perCallback: Record<string, number>;
  perStream: number;
  /** Mean own instructions per stream of each function, per callback. */
  functions: Record<string, Record<string, number>>;
  hasNames: boolean;
}

/** Counts `bytes` (a .wasm) on `scenario`. Throws WasmTrapError when the filter traps. */
export async function measureCost(
  file: string,
  bytes: Uint8Array,
  scenario: Scenario,
  opts: { streams: number; warmUp: number; rootId: string; configuration: string },
): Promise<CostReport> {
  const { binary, names } = await instrumentPerFunction(bytes);
  const host = new Host({ record: false, logLevel: "info" });
  const vm = await host.loadVm(binary);
  const counters = names.map((_, i) => vm.exports[`__count_${i + 1}`] as WebAssembly.Global);
  const snapshot = (): bigint[] => counters.map((c) => c.value as bigint);
  const sums = new Map<string, bigint[]>(); // callback → per function
  let counting = true;
  chargeEachCallback(vm, snapshot, (name, before) => {
    if (!counting) return;
    const after = snapshot();
    const s = sums.get(name) ?? names.map(() => 0n);
    for (let i = 0; i < s.length; i++) s[i] += after[i] - before[i];
    sums.set(name, s);
  });
  const plugin = vm.startPlugin({ rootId: opts.rootId, configuration: opts.configuration });
  if (!plugin.configured) throw new ConfigurationRefused(opts.rootId);
  const start = Object.fromEntries([...sums].map(([name, s]) => [name, Number(s.reduce((a, b) => a + b, 0n))]));
  sums.clear();
  counting = false;
  for (let i = 0; i < opts.warmUp; i++) runStream(host, plugin, scenario);
  counting = true;
  for (let i = 0; i < opts.streams; i++) runStream(host, plugin, scenario);
  const perCallback: Record<string, number> = {};
  const functions: Record<string, Record<string, number>> = {};
  for (const [callback, s] of sums) {
    perCallback[callback] = Math.round(Number(s.reduce((a, b) => a + b, 0n)) / opts.streams);
    functions[callback] = {};
    s.forEach((v, i) => {
      if (v > 0n) functions[callback][names[i]] = Number(v) / opts.streams;
    });
  }
  return {
    file,
    streams: opts.streams,
    warmUp: opts.warmUp,
    start,
    perCallback,
    functions,
    perStream: Object.values(perCallback).reduce((a, b) => a + b, 0),
    hasNames: WebAssembly.Module.customSections(new WebAssembly.Module(new Uint8Array(bytes)), "name").length > 0,
  };
}

export class ConfigurationRefused extends Error {}

/**
 * Calls `charge(name, before)` after every callback the host makes into `vm`, with what `read()`
 * returned before it. A callback the host makes while another runs is charged to the outer one,
 * as is an allocation the host asks for. (The benchmark charges its counts the same way.)
 */
export function chargeEachCallback<T>(vm: Vm, read: () => T, charge: (name: string, before: T) => void): void {
  const call = vm.call;
  let depth = 0;
  vm.call = function (
    this: Vm,
    name: string,
    ...rest: Parameters<Vm["call"]> extends [string, ...infer R] ? R : never
  ) {
    if (depth++ > 0) {
      try {
        return call.call(this, name, ...rest);
      } finally {
        depth--;
      }
    }
    const before = read();
    try {
      return call.call(this, name, ...rest);
    } finally {
      depth--;
      charge(name, before);
    }
  } as Vm["call"];
}

/** One stream of `scenario`; it stops early when the filter ends it (a local response). */
function runStream(host: Host, plugin: Plugin, scenario: Scenario): void {
  const s = plugin.newHttpStream();
  for (const step of scenario.stream) {
    if (!applyStep(s, step)) break;
    for (const call of host.httpCalls) {
      const r = scenario.httpCallResponse ?? {};
      host.respondHttpCall(call.token, { status: r.status ?? 200, headers: r.headers, body: r.body ?? "" });
    }
  }
  s.complete();
}

/** False when the stream was ended by the filter (the remaining steps cannot happen). */
function applyStep(s: HttpStream, step: ScenarioStep): boolean {
  try {
    if ("requestHeaders" in step) s.requestHeaders(step.requestHeaders, { endOfStream: step.endOfStream ?? false });
    else if ("requestBody" in step) s.requestBody(step.requestBody, step.endOfStream ?? false);
    else if ("requestTrailers" in step) s.requestTrailers(step.requestTrailers);
    else if ("responseHeaders" in step)
      s.responseHeaders(step.responseHeaders, { endOfStream: step.endOfStream ?? false });
    else if ("responseBody" in step) s.responseBody(step.responseBody, step.endOfStream ?? false);
    else if ("responseTrailers" in step) s.responseTrailers(step.responseTrailers);
    return true;
  } catch (e) {
    if (/was reset by the filter|already complete|local response/.test((e as Error).message)) return false;
    throw e;
  }
}

const n = (v: number): string => Math.round(v).toLocaleString("en-US");

/** The functions of all callbacks together, dearest first. */
function topFunctions(report: CostReport): [string, number][] {
  const total = new Map<string, number>();
  for (const fns of Object.values(report.functions))
    for (const [name, c] of Object.entries(fns)) total.set(name, (total.get(name) ?? 0) + c);
  return [...total].sort((a, b) => b[1] - a[1]);
}

export function formatCostText(report: CostReport, top: number): string {
  const lines = [
    `${report.file}: executed wasm instructions (Wasmtime fuel rules), ${n(report.streams)} streams after ${n(report.warmUp)} warm-up`,
    "",
  ];
  const startTotal = Object.values(report.start).reduce((a, b) => a + b, 0);
  lines.push(`plugin start: ${n(startTotal)}`);
  for (const [name, c] of Object.entries(report.start)) lines.push(`  ${name.padEnd(36)}${n(c).padStart(12)}`);
  lines.push("", `per stream: ${n(report.perStream)}`);
  for (const [name, c] of Object.entries(report.perCallback)) lines.push(`  ${name.padEnd(36)}${n(c).padStart(12)}`);
  lines.push("", `top functions per stream (own instructions, not their callees'):`);
  for (const [name, c] of topFunctions(report).slice(0, top)) {
    const share = report.perStream > 0 ? `${((c / report.perStream) * 100).toFixed(1)}%` : "";
    lines.push(`  ${n(c).padStart(12)} ${share.padStart(6)}  ${name}`);
  }
  if (!report.hasNames) lines.push("", "(no name section: build with asc --debug to see the functions' names)");
  return `${lines.join("\n")}\n`;
}

const escapeXml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * A flame graph of one stream: the stream at the bottom, its callbacks above it, each callback's
 * functions above those (own instructions, so widths add up). Widths are instructions.
 */
export function flameGraphSvg(report: CostReport): string {
  const width = 1200;
  const row = 18;
  const total = Math.max(1, report.perStream);
  const scale = (width - 20) / total;
  const boxes: string[] = [];
  const box = (x: number, y: number, w: number, label: string, value: number, hue: number): void => {
    if (w < 0.5) return;
    const title = `${label}: ${n(value)} instructions (${((value / total) * 100).toFixed(1)}%)`;
    const text =
      w > 40
        ? `<text x="${(x + 3).toFixed(1)}" y="${y + 13}" font-size="11" font-family="monospace">${escapeXml(label.slice(0, Math.floor(w / 7)))}</text>`
        : "";
    boxes.push(
      `<g><title>${escapeXml(title)}</title><rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${row - 1}" fill="hsl(${hue},70%,65%)"/>${text}</g>`,
    );
  };
  const height = row * 3 + 40;
  const base = height - 10 - row;
  box(10, base, total * scale, `stream (${report.file})`, total, 20);
  let x = 10;
  for (const [callback, count] of Object.entries(report.perCallback)) {
    box(x, base - row, count * scale, callback, count, 40);
    let fx = x;
    for (const [fn, c] of Object.entries(report.functions[callback] ?? {}).sort((a, b) => b[1] - a[1])) {
      box(fx, base - 2 * row, c * scale, fn, c, 0 + ((fx * 7) % 60));
      fx += c * scale;
    }
    x += count * scale;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<text x="10" y="18" font-size="14" font-family="sans-serif">Instructions per stream: ${n(total)} (callbacks, then the functions' own instructions)</text>
${boxes.join("\n")}
</svg>
`;
}

export async function cost(args: string[], io: Io): Promise<number> {
  let opts: ParsedOptions;
  try {
    opts = parseOptions(args, {
      scenario: { value: true },
      "root-id": { value: true },
      configuration: { value: true },
      streams: { value: true },
      "warm-up": { value: true },
      top: { value: true },
      flame: { value: true },
      json: {},
      help: { short: "h" },
    });
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`cost: ${e.message}\n\n${COST_USAGE}`);
      return 2;
    }
    throw e;
  }
  if (opts.flags.has("help")) {
    io.out(COST_USAGE);
    return 0;
  }
  if (opts.positionals.length !== 1) {
    io.err(`cost: give one FILTER.wasm\n\n${COST_USAGE}`);
    return 2;
  }
  const value = (name: string): string | undefined => opts.values.get(name)?.[0];
  const count = (name: string, fallback: number): number | null => {
    const v = value(name);
    if (v === undefined) return fallback;
    return /^\d+$/.test(v) ? Number(v) : null;
  };
  const streams = count("streams", 100);
  const warmUp = count("warm-up", 10);
  const top = count("top", 15);
  if (streams === null || streams < 1 || warmUp === null || top === null) {
    io.err(`cost: --streams, --warm-up and --top take a whole number (streams at least 1)\n`);
    return 2;
  }
  const [file] = opts.positionals;
  let bytes: Uint8Array;
  let scenario = STANDARD_STREAM;
  try {
    bytes = await readFile(file);
    const scenarioFile = value("scenario");
    if (scenarioFile !== undefined) scenario = parseScenario(await readFile(scenarioFile, "utf8"), scenarioFile);
  } catch (e) {
    io.err(`cost: ${(e as Error).message}\n`);
    return 2;
  }
  const configuration =
    value("configuration") ??
    (scenario.configuration === undefined
      ? ""
      : typeof scenario.configuration === "string"
        ? scenario.configuration
        : JSON.stringify(scenario.configuration));
  const rootId = value("root-id") ?? scenario.rootId ?? "cost";
  let report: CostReport;
  try {
    report = await measureCost(file, bytes, scenario, { streams, warmUp, rootId, configuration });
  } catch (e) {
    if (e instanceof ConfigurationRefused) {
      io.err(`cost: ${file}: the plugin refused its configuration (root id "${rootId}")\n`);
      return 1;
    }
    io.err(`cost: ${file}: ${(e as Error).message}\n`);
    return /not a wasm|magic|Failed to load|wasm2wat|readWasm/i.test((e as Error).message) ? 2 : 1;
  }
  const flame = value("flame");
  if (flame !== undefined) await writeFile(flame, flameGraphSvg(report));
  io.out(opts.flags.has("json") ? `${JSON.stringify(report, null, 2)}\n` : formatCostText(report, top));
  return 0;
}

/** A scenario file's JSON, checked enough that a mistake gets one clear line. */
export function parseScenario(text: string, file: string): Scenario {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON: ${(e as Error).message}`);
  }
  const s = data as Scenario;
  if (typeof s !== "object" || s === null || !Array.isArray(s.stream) || s.stream.length === 0)
    throw new Error(`${file}: expected an object with a non-empty "stream" array of steps`);
  const kinds = [
    "requestHeaders",
    "requestBody",
    "requestTrailers",
    "responseHeaders",
    "responseBody",
    "responseTrailers",
  ];
  s.stream.forEach((step, i) => {
    const keys = Object.keys(step ?? {}).filter((k) => k !== "endOfStream");
    if (keys.length !== 1 || !kinds.includes(keys[0]))
      throw new Error(`${file}: stream step ${i + 1}: expected one of ${kinds.join(", ")} (and endOfStream)`);
  });
  return s;
}
