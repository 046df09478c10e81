// Property-based tests of the header-map codec at the boundary: maps from the host read with
// getAll/get and written back with setAll/add must come out as they went in (empty maps, NUL and
// non-ASCII bytes, duplicates, pseudo-headers), and arbitrary bytes given to the SDK's decoder
// must decode exactly as the reference decoder says — malformed ones (huge counts, lengths past
// the end, truncations) rejected as null, never a trap.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { encodePairs, type Pair } from "../../host/index.js";
import { invalidRequestHeader } from "../../host/wasm/header-validation.js";
import { normalizeHeaders } from "../../host/wasm/headers.js";
import { chunks, encodeBytePairs, isUtf8, Probe, referenceDecode } from "./codec-helpers.js";

const RUNS = 300;

/** Header text: any Unicode, with NUL, control and non-ASCII characters made likely. */
const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 24 }),
  fc.string({
    unit: fc.constantFrom("\0", "\x01", "\x7f", "é", "✓", "😀", "A", "a", ":", " ", "\uFFFD"),
    maxLength: 12,
  }),
  fc.constantFrom("", ":path", ":authority", "Content-Type", "x-dup"),
);
const pair: fc.Arbitrary<Pair> = fc.tuple(text, text);
const headerMap = fc.array(pair, { maxLength: 20 });
/**
 * Request headers as they can reach a filter and go upstream: Envoy's codec refuses names that
 * are not tokens and values with control characters (host/wasm/header-validation.ts), so the router
 * would answer in place of the upstream. Response maps keep every byte (Envoy checks none).
 */
const requestMap = headerMap.filter((map) => invalidRequestHeader(map) === null);

let probe: Probe;
beforeAll(async () => {
  probe = await new Probe().start();
});

function errors() {
  return probe.host.logs
    .filter((l) => l.level === "error" || l.level === "critical" || l.level === "warn")
    .map((l) => l.message);
}

describe("header maps: host → SDK → host round trips", () => {
  for (const mode of ["echo-all", "echo-single"]) {
    it(`${mode}: request and response maps come back unchanged`, async () => {
      const plugin = await probe.plugin(mode);
      fc.assert(
        fc.property(requestMap, headerMap, (request, response) => {
          probe.host.clearLogs();
          const s = plugin.newHttpStream();
          s.requestHeaders(request, { endOfStream: true });
          s.responseHeaders(response, { endOfStream: true });
          expect(s.requestHeadersMap).toEqual(normalizeHeaders(request));
          expect(s.responseHeadersMap).toEqual(normalizeHeaders(response));
          s.complete();
          expect(errors()).toEqual([]);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it("an empty map crosses in both encodings: zero bytes from the host, count 0 back from setAll", async () => {
    const plugin = await probe.plugin("echo-all");
    probe.host.clearLogs();
    const s = plugin.newHttpStream();
    s.requestHeaders([], { endOfStream: true });
    s.responseHeaders([], { endOfStream: true });
    s.complete();
    expect(s.requestHeadersMap).toEqual([]);
    expect(s.responseHeadersMap).toEqual([]);
    expect(errors()).toEqual([]);
  });
});

/** Sends `body` (in chunks) to the "decode" probe; returns the local response. */
async function decodeThroughSdk(body: Uint8Array, cuts: number[] = []) {
  const plugin = await probe.plugin("decode");
  const s = plugin.newHttpStream();
  s.requestHeaders([
    [":method", "POST"],
    [":path", "/"],
  ]);
  const parts = chunks(body, cuts);
  parts.forEach((part, i) => {
    s.requestBody(part, i === parts.length - 1);
  });
  const r = s.localResponse;
  s.complete();
  expect(r, "the probe always answers").not.toBeNull();
  return r!;
}

function expectDecodedLikeReference(body: Uint8Array, r: { status: number; body: Uint8Array }) {
  const ref = referenceDecode(body);
  if (ref === null) {
    expect(r.status, "malformed map must be rejected").toBe(400);
    return;
  }
  expect(r.status, "well-formed map must be accepted").toBe(200);
  const utf8 = ref.every(([n, v]) => isUtf8(n) && isUtf8(v));
  if (utf8) expect([...r.body]).toEqual([...encodeBytePairs(ref)]);
  else expect(new DataView(r.body.buffer, r.body.byteOffset).getUint32(0, true)).toBe(ref.length);
}

describe("header maps: the SDK's decoder on arbitrary bytes", () => {
  it("well-formed maps decode to the same pairs (re-encoded byte for byte)", async () => {
    await fc.assert(
      fc.asyncProperty(headerMap, fc.array(fc.nat(400), { maxLength: 4 }), async (pairs, cuts) => {
        const body = encodePairs(pairs);
        const r = await decodeThroughSdk(body, cuts);
        expect(r.status).toBe(200);
        expect([...r.body]).toEqual([...body]);
      }),
      { numRuns: RUNS },
    );
  });

  it("zero bytes and count 0 are both the empty map; 1–3 bytes are malformed", async () => {
    for (const [bytes, status] of [
      [[], 200],
      [[0, 0, 0, 0], 200],
      [[0, 0, 0, 0, 9, 9], 200],
      [[0], 400],
      [[0, 0], 400],
      [[0, 0, 0], 400],
    ] as [number[], number][]) {
      const r = await decodeThroughSdk(Uint8Array.from(bytes));
      expect(r.status, JSON.stringify(bytes)).toBe(status);
      if (status === 200) expect([...r.body]).toEqual([0, 0, 0, 0]);
    }
  });

  it("arbitrary bytes: accepted exactly when the reference decoder accepts, never a trap", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 120 }), async (body) => {
        expectDecodedLikeReference(body, await decodeThroughSdk(body));
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it("maps with a corrupted count or length (huge, off by one, truncated) are rejected, never a trap", async () => {
    const u32 = fc.oneof(
      fc.constantFrom(0xffffffff, 0x80000000, 0x7fffffff, 0x20000000, 0x1999999a, 0x10000000, 0xfffffff7),
      fc.nat(64),
    );
    await fc.assert(
      fc.asyncProperty(headerMap, fc.nat(), u32, fc.nat(), async (pairs, where, value, cut) => {
        const body = encodePairs(pairs).slice();
        const dv = new DataView(body.buffer);
        // Overwrite the count or one length field, and/or cut the tail.
        const fields = 1 + pairs.length * 2;
        dv.setUint32((where % fields) * 4, value, true);
        const bytes = cut % 3 === 0 ? body.subarray(0, cut % (body.length + 1)) : body;
        expectDecodedLikeReference(bytes, await decodeThroughSdk(bytes));
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it("rejects counts the data cannot hold, up to 2^32 - 1, without allocating them", async () => {
    for (const count of [1, 2, 0x10000000, 0x19999999, 0x1999999a, 0x20000000, 0x40000000, 0x80000000, 0xffffffff]) {
      const body = new Uint8Array(4 + 8 + 2);
      new DataView(body.buffer).setUint32(0, count, true);
      const r = await decodeThroughSdk(body);
      expect(r.status, `count ${count}`).toBe(count === 1 ? 200 : 400);
    }
    expect(probe.host.vms.every((vm) => vm.memoryBytes < 64 * 1024 * 1024)).toBe(true);
  });

  it("NUL and non-ASCII bytes inside names and values survive", async () => {
    const pairs: Pair[] = [
      ["a\0b", "\0"],
      ["é✓😀", "v\0\0w"],
      ["", ""],
      ["\0", "x\u0001y"],
    ];
    const r = await decodeThroughSdk(encodePairs(pairs));
    expect(r.status).toBe(200);
    expect([...r.body]).toEqual([...encodePairs(pairs)]);
    // The same through the host's header maps.
    const plugin = await probe.plugin("echo-all");
    const s = plugin.newHttpStream();
    s.requestHeaders(pairs, { endOfStream: true });
    expect(s.requestHeadersMap).toEqual(normalizeHeaders(pairs));
    s.complete();
  });
});
