// The emulator's own cost, measured with bench/floor/calibrate.wat: a stream lifecycle with no
// host call, and the extra time of one host call of each kind the workloads use. Every
// contender pays these the same; the page subtracts nothing but shows how much of each number
// is the host.
import { BODY_BYTES, CHUNK, CHUNK_BYTES, RESPONSE_HEADERS, requestHeaders, startPlugin } from "./workloads.mjs";
import { interleave } from "./measure.mjs";
import { at } from "./paths.mjs";

const CALLS = 200;
const KINDS = [
  { kind: 0, name: "proxy_get_header_map_value (:path, 10 headers)" },
  { kind: 1, name: "proxy_add_header_map_value" },
  { kind: 2, name: "proxy_increment_metric" },
  { kind: 3, name: "proxy_get_shared_data (16-byte value)" },
];

export async function calibrate(timing) {
  const { vm, plugin } = await startPlugin(at("bench/floor/build/calibrate.wasm"), "add_header");
  const set = vm.exports.calibrate;
  const req = requestHeaders(10);
  const stream = (kind, n) => (count) => {
    set(kind, n);
    for (let i = 0; i < count; i++) {
      const s = plugin.newHttpStream();
      s.requestHeaders(req, { endOfStream: true });
      s.responseHeaders(RESPONSE_HEADERS, { endOfStream: true });
      s.complete();
    }
  };
  const bodyStream = (kind) => (count) => {
    set(kind, 0);
    for (let i = 0; i < count; i++) {
      const s = plugin.newHttpStream();
      s.requestHeaders(req, { endOfStream: false });
      for (let c = 0; c < BODY_BYTES / CHUNK_BYTES; c++) s.requestBody(CHUNK, c === BODY_BYTES / CHUNK_BYTES - 1);
      s.complete();
    }
  };
  const entries = [
    { id: "empty", run: stream(0, 0) },
    ...KINDS.map((k) => ({ id: `kind${k.kind}`, run: stream(k.kind, CALLS) })),
    { id: "body-none", run: bodyStream(5) },
    { id: "body-copy", run: bodyStream(4) },
  ];
  const t = interleave(entries, timing);
  const empty = t.empty.median;
  return {
    emptyStream: empty,
    perCall: KINDS.map((k) => ({ name: k.name, ns: (t[`kind${k.kind}`].median - empty) / CALLS })),
    bodyDelivery: t["body-none"].median,
    chunkCopy: (t["body-copy"].median - t["body-none"].median) / (BODY_BYTES / CHUNK_BYTES),
  };
}
