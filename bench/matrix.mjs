// The instruction matrix's points: one workload at one size each, driven the same way for every
// contender (bench/instruction-counts.mjs counts them). A point says which filter it loads, how
// many streams run before counting (`warmUp`) and per counted window (`perWindow`; there are
// WINDOWS windows), and `stream(plugin, host)` drives one stream. A "start" point counts a
// plugin start instead: one fresh VM per window, its configuration given by `configuration`.
// `check` (optional) throws unless the filter did its job on the stream that `stream` returned.
import { CHUNK, RESPONSE_HEADERS, requestHeaders } from "./workloads.mjs";

/** Counted windows per point: the spread (min, max) is over these. */
export const WINDOWS = 10;

export const PATH_LENGTHS = [0, 1, 6, 17, 64, 256, 1024, 8192];
export const HEADER_COUNTS = [1, 10, 50, 100];
export const BODY_CHUNK_BYTES = 16 * 1024;
export const BODY_SIZES = [1024, 64 * 1024, 1024 * 1024];
export const CONFIG_SIZES = [1024, 64 * 1024];

/** A :path of exactly `length` bytes; 17 bytes is the timing workloads' "/bench/items?id=7". */
export function pathOfLength(length) {
  let path = "/bench/items?id=7";
  while (path.length < length) path += "&k=0123456789abcdef";
  return path.slice(0, length);
}

const expect = (what, actual, expected) => {
  if (actual !== expected)
    throw new Error(`${what}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
};

/** The 10 request headers of the timing workloads, with :path replaced. */
function headersWithPath(length) {
  return requestHeaders(10).map(([name, value]) => [name, name === ":path" ? pathOfLength(length) : value]);
}

function addHeaderPoint(length) {
  const headers = headersWithPath(length);
  return {
    id: `add-header/${length}`,
    family: "add-header",
    x: length,
    label: `add-header, :path ${length} B`,
    filter: "add-header",
    warmUp: 200,
    perWindow: STREAMS_PER_WINDOW,
    stream(plugin) {
      const s = plugin.newHttpStream();
      s.requestHeaders(headers, { endOfStream: true });
      s.responseHeaders(RESPONSE_HEADERS, { endOfStream: true });
      return s;
    },
    check(s) {
      // An empty value: ours reads "" (seen), the Rust SDK reads None (none); both did the job.
      expect(
        "x-path-length",
        length === 0 ? s.requestHeader("x-path-length") !== undefined : s.requestHeader("x-path-length"),
        length === 0 ? true : "seen",
      );
      expect("x-filter", s.responseHeader("x-filter"), "proxy-wasm-as");
    },
  };
}

function headerMapPoints(count) {
  const headers = requestHeaders(count);
  const stream = (plugin) => {
    const s = plugin.newHttpStream();
    s.requestHeaders(headers, { endOfStream: true });
    return s;
  };
  return [
    {
      id: `headers-all/${count}`,
      family: "headers-all",
      x: count,
      label: `read all ${count} headers, add one`,
      filter: "headers-all",
      warmUp: 100,
      perWindow: count > 10 ? 200 : STREAMS_PER_WINDOW / 2,
      stream,
      check(s) {
        expect("x-header-count", s.requestHeader("x-header-count"), "some");
      },
    },
    {
      id: `headers-one/${count}`,
      family: "headers-one",
      x: count,
      label: `${count} headers: read one, replace one, remove one`,
      filter: "headers-one",
      warmUp: 100,
      perWindow: STREAMS_PER_WINDOW,
      stream,
      check(s) {
        // (The floor writes "seen" whatever it read.)
        expect("x-request-id replaced", s.requestHeader("x-request-id") !== undefined, true);
        expect("accept", s.requestHeader("accept"), undefined);
      },
    },
  ];
}

/**
 * Streams per window of a stream point. A collection costs a few thousand instructions and comes
 * every 20 to 60 small streams: 2,000 streams per window make one collection more or less in a
 * window a change well under 1%, so the spread shows cadence effects, not where windows begin.
 */
const STREAMS_PER_WINDOW = 2000;
/**
 * A body point's streams per window: where chunks cost little (the body is not read), as many
 * streams as any point, for the same reason (a pass-through stream costs a few hundred
 * instructions, so one collection more or less in a window of 1,000 moved its figure by 2.5%);
 * where every byte is read, 64 chunks (the per-byte loop decides the figure, not collections).
 */
const bodyStreamsPerWindow = (bytes, cheap) =>
  cheap ? STREAMS_PER_WINDOW : Math.max(2, Math.round(64 / Math.ceil(bytes / BODY_CHUNK_BYTES)));

function bodyPoints(bytes) {
  const chunk = CHUNK.subarray(0, Math.min(bytes, BODY_CHUNK_BYTES));
  const chunks = Math.ceil(bytes / BODY_CHUNK_BYTES);
  const headers = requestHeaders(10);
  const stream = (plugin) => {
    const s = plugin.newHttpStream();
    s.requestHeaders(headers, { endOfStream: false });
    for (let i = 0; i < chunks; i++) s.requestBody(chunk, i === chunks - 1);
    return s;
  };
  const size = bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MiB` : `${bytes / 1024} KiB`;
  const upper = new TextDecoder().decode(chunk).toUpperCase();
  const common = {
    x: bytes,
    warmUp: 20,
    perWindow: bodyStreamsPerWindow(bytes, true),
    bytes,
    chunkBytes: chunk.length,
    stream,
  };
  return [
    {
      ...common,
      id: `body-pass/${bytes}`,
      family: "body-pass",
      label: `body pass-through, ${size}`,
      filter: "body-pass",
    },
    {
      ...common,
      perWindow: bodyStreamsPerWindow(bytes, false),
      id: `body-in-place/${bytes}`,
      family: "body-in-place",
      label: `body read, upper-cased in place, ${size}`,
      filter: "body",
      check(s) {
        expect("last chunk upper-cased", s.requestBodyText, upper);
      },
    },
    {
      ...common,
      id: `body-append/${bytes}`,
      family: "body-append",
      label: `body append at the end, ${size}`,
      filter: "body-append",
      check(s) {
        expect("suffix appended", s.requestBodyText.endsWith("\n<!-- appended by the filter -->\n"), true);
      },
    },
  ];
}

const metricShared = {
  id: "metric-shared",
  family: "metric-shared",
  x: 0,
  label: "metric increment + shared-data read",
  filter: "metric-shared",
  warmUp: 200,
  perWindow: STREAMS_PER_WINDOW,
  stream(plugin) {
    const s = plugin.newHttpStream();
    s.requestHeaders(requestHeaders(10), { endOfStream: true });
    return s;
  },
};

const httpCall = {
  id: "http-call",
  family: "http-call",
  x: 0,
  label: "HTTP call in request headers, resumed by its response",
  filter: "http-call",
  warmUp: 200,
  perWindow: STREAMS_PER_WINDOW / 2,
  stream(plugin, host) {
    const s = plugin.newHttpStream();
    s.requestHeaders(requestHeaders(10), { endOfStream: true });
    const calls = host.httpCalls;
    if (calls.length !== 1) throw new Error(`expected one HTTP call, found ${calls.length}`);
    host.respondHttpCall(calls[0].token, { status: 200, body: "ok" });
    s.responseHeaders(RESPONSE_HEADERS, { endOfStream: true });
    return s;
  },
};

/** A JSON configuration of about `bytes` bytes: an object with a "rules" array. */
export function jsonConfiguration(bytes) {
  const rules = [];
  let size = 12;
  for (let i = 0; size < bytes; i++) {
    const rule = JSON.stringify({
      name: `rule-${i}`,
      match: `/api/v1/items/${i}`,
      header: "x-rule",
      value: `value-${i}`,
      enabled: i % 2 === 0,
      weight: i,
    });
    rules.push(rule);
    size += rule.length + 1;
  }
  return `{"rules":[${rules.join(",")}]}`;
}

function startPoint(bytes) {
  return {
    id: `plugin-start/${bytes}`,
    family: "plugin-start",
    x: bytes,
    label: `plugin start, ${bytes / 1024} KiB JSON configuration`,
    filter: "config-json",
    kind: "start",
    configuration: jsonConfiguration(bytes),
  };
}

/** Every point, in the order the tables show them. */
export const MATRIX = [
  ...PATH_LENGTHS.map(addHeaderPoint),
  ...HEADER_COUNTS.flatMap(headerMapPoints),
  ...BODY_SIZES.flatMap(bodyPoints),
  metricShared,
  httpCall,
  ...CONFIG_SIZES.map(startPoint),
];

/** The families, in table order, with what one unit of their figures is. */
export const FAMILIES = [
  {
    id: "add-header",
    title: "add-header: 10 request headers, read :path, add a request and a response header",
    unit: "instructions per stream",
    xLabel: ":path bytes",
  },
  {
    id: "headers-all",
    title: "Header maps: read every pair, add one",
    unit: "instructions per stream",
    xLabel: "request headers",
  },
  {
    id: "headers-one",
    title: "Header maps: read one by name, replace one, remove one",
    unit: "instructions per stream",
    xLabel: "request headers",
  },
  {
    id: "body-pass",
    title: "Body pass-through (not read), 16 KiB chunks",
    unit: "instructions per stream",
    xLabel: "body bytes",
  },
  {
    id: "body-in-place",
    title: "Body read, upper-cased in place and written back, 16 KiB chunks",
    unit: "instructions per stream",
    xLabel: "body bytes",
  },
  {
    id: "body-append",
    title: "Body append at the end of stream, 16 KiB chunks",
    unit: "instructions per stream",
    xLabel: "body bytes",
  },
  {
    id: "metric-shared",
    title: "metric-shared: a counter increment and a shared-data read per request",
    unit: "instructions per stream",
  },
  {
    id: "http-call",
    title: "HTTP call: dispatched in request headers, the stream resumed in the call's response",
    unit: "instructions per stream",
  },
  {
    id: "plugin-start",
    title: "Plugin start (context create, VM start, configure) with a JSON configuration",
    unit: "instructions per start",
    xLabel: "configuration bytes",
  },
];
