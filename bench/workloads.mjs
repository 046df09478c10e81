// The workloads, driven the same way for every contender through the emulator in lean mode.
// Each `setup` loads a contender's filter into a fresh Host and returns `run(n)` (n iterations)
// and `verify()` (throws unless the filter did its job: a benchmark of a broken filter is void).
import { readFileSync } from "node:fs";
import { at } from "./paths.mjs";

const { Host } = await import(at("dist/host/index.js"));

/** The same host settings for every contender: lean mode, Envoy's default log level. */
export const HOST_OPTIONS = { record: false, logLevel: "info" };
/** Every contender gets this plugin configuration (solo traps on an empty one). */
export const CONFIGURATION = "{}";

/** Request headers: the pseudo-headers and a few usual ones, then x-bench-N up to `count`. */
export function requestHeaders(count) {
  const pairs = [
    [":method", "GET"],
    [":path", "/bench/items?id=7"],
    [":authority", "example.com"],
    [":scheme", "https"],
    ["user-agent", "bench/1.0"],
    ["accept", "*/*"],
    ["x-request-id", "0f8fad5b-d9cb-469f-a165-70867728950e"],
  ];
  for (let i = pairs.length; i < count; i++) pairs.push([`x-bench-${i}`, `value-${i}`]);
  return pairs.slice(0, count);
}

export const RESPONSE_HEADERS = [
  [":status", "200"],
  ["content-type", "text/plain"],
  ["content-length", "2"],
  ["server", "upstream"],
];

export const CHUNK_BYTES = 64 * 1024;
export const BODY_BYTES = 1024 * 1024;
/** One 64 KiB chunk of lower-case text (every chunk of the 1 MiB body is this one). */
export const CHUNK = new TextEncoder()
  .encode("the quick brown fox jumps over the lazy dog 0123456789\n".repeat(1200))
  .subarray(0, CHUNK_BYTES);
const UPPER = new TextEncoder().encode(new TextDecoder().decode(CHUNK).toUpperCase());

export const SHARED_KEY = "bench_key";
export const SHARED_VALUE = "0123456789abcdef";
export const COUNTER = "bench_requests";

export async function startPlugin(wasmPath, rootId, hostOptions = HOST_OPTIONS) {
  const host = new Host(hostOptions);
  host.sharedData.set(SHARED_KEY, SHARED_VALUE);
  const vm = await host.loadVm(new Uint8Array(readFileSync(wasmPath)));
  const plugin = vm.startPlugin({ rootId, configuration: CONFIGURATION });
  if (!plugin.configured) throw new Error(`${wasmPath}: the plugin did not start`);
  return { host, vm, plugin };
}

function expectEqual(what, actual, expected) {
  if (actual !== expected)
    throw new Error(`${what}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
}

function lifecycle(headerCount) {
  const req = requestHeaders(headerCount);
  return {
    id: `lifecycle-${headerCount}`,
    title: `stream lifecycle, ${headerCount} request headers`,
    filter: "add-header",
    unit: "ns/stream",
    async setup(contender) {
      const { plugin } = await startPlugin(contender.wasm("add-header"), contender.rootId);
      const one = () => {
        const s = plugin.newHttpStream();
        s.requestHeaders(req, { endOfStream: true });
        s.responseHeaders(RESPONSE_HEADERS, { endOfStream: true });
        s.complete();
        return s;
      };
      return {
        run(n) {
          for (let i = 0; i < n; i++) one();
        },
        verify() {
          const s = plugin.newHttpStream();
          s.requestHeaders(req, { endOfStream: true });
          s.responseHeaders(RESPONSE_HEADERS, { endOfStream: true });
          expectEqual(`${contender.id}: x-path-length`, s.requestHeader("x-path-length"), "seen");
          expectEqual(`${contender.id}: x-filter`, s.responseHeader("x-filter"), "proxy-wasm-as");
          s.complete();
        },
      };
    },
  };
}

const body = {
  id: "body",
  title: `request body: ${BODY_BYTES / 1024 / 1024} MiB in ${CHUNK_BYTES / 1024} KiB chunks, read and upper-cased`,
  filter: "body",
  unit: "ns/stream",
  async setup(contender) {
    const { plugin } = await startPlugin(contender.wasm("body"), contender.rootId);
    const req = requestHeaders(10);
    const chunks = BODY_BYTES / CHUNK_BYTES;
    const one = () => {
      const s = plugin.newHttpStream();
      s.requestHeaders(req, { endOfStream: false });
      for (let i = 0; i < chunks; i++) s.requestBody(CHUNK, i === chunks - 1);
      return s;
    };
    return {
      run(n) {
        for (let i = 0; i < n; i++) one().complete();
      },
      verify() {
        const s = one();
        const out = s.requestBodyBytes; // lean mode: the last chunk that went upstream
        expectEqual(`${contender.id}: body chunk size`, out.length, CHUNK_BYTES);
        expectEqual(`${contender.id}: body chunk upper-cased`, Buffer.compare(Buffer.from(out), Buffer.from(UPPER)), 0);
        s.complete();
      },
    };
  },
};

const metricShared = {
  id: "metric-shared",
  title: "a counter increment and a shared-data read per request (10 request headers)",
  filter: "metric-shared",
  unit: "ns/request",
  async setup(contender) {
    const { host, plugin } = await startPlugin(contender.wasm("metric-shared"), contender.rootId);
    const req = requestHeaders(10);
    return {
      run(n) {
        for (let i = 0; i < n; i++) {
          const s = plugin.newHttpStream();
          s.requestHeaders(req, { endOfStream: true });
          s.complete();
        }
      },
      verify() {
        const before = host.metrics.get(COUNTER)?.value ?? -1n;
        this.run(3);
        expectEqual(`${contender.id}: ${COUNTER} increments`, host.metrics.get(COUNTER)?.value, before + 3n);
      },
    };
  },
};

export const WORKLOADS = [lifecycle(10), lifecycle(100), body, metricShared];
