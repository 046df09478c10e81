// Property-based tests of property paths and values: any path (segments of any text but NUL) and
// any value set by the host reads back unchanged in the filter through getProperty and the typed
// getters, and any value the filter sets reads back unchanged in the host.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { encodePairs, type Pair, type PropertyValue } from "../../host/index.js";
import { encodeBytePairs, isUtf8, Probe, referenceDecode } from "./codec-helpers.js";

const RUNS = 300;
const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * Path segments: any text without NUL (NUL separates segments on the wire); empty segments
 * included, but not last: Envoy ignores one trailing NUL (some SDKs add one), so a path ending in
 * an empty segment cannot be told from the path without it.
 */
const segment = fc.oneof(
  fc.string({ unit: "binary", maxLength: 16 }).map((s) => s.replace(/\0/g, "")),
  fc.constantFrom("", "request", "headers", "x-é✓", "😀", "a.b", " "),
);
const path = fc
  .tuple(
    fc.array(segment, { maxLength: 5 }),
    segment.filter((s) => s !== ""),
  )
  .map(([head, last]) => [...head, last]);

let probe: Probe;
beforeAll(async () => {
  probe = await new Probe().start();
});

/** Runs one property request in the probe with `value` set on the stream at `segments`. */
async function ask(op: string, segments: string[], value?: PropertyValue, opValue = "") {
  const plugin = await probe.plugin("property");
  const s = plugin.newHttpStream();
  if (value !== undefined) s.setProperty(segments, value);
  s.requestHeaders([
    [":method", "POST"],
    [":path", "/"],
  ]);
  s.requestBody(encodePairs([[op, opValue], ...segments.map((seg): Pair => [seg, ""])]), true);
  const r = s.localResponse!;
  const stored = s.lookupProperty(segments.join("\0"));
  s.complete();
  expect(r).not.toBeNull();
  return { status: r.status, body: r.body, text: dec.decode(r.body), stored };
}

describe("property paths and values round trip", () => {
  it("raw bytes at any path read back byte for byte; an unset path is absent", async () => {
    await fc.assert(
      fc.asyncProperty(path, fc.uint8Array({ maxLength: 64 }), async (segments, value) => {
        const r = await ask("get", segments, value);
        expect(r.status).toBe(200);
        expect([...r.body]).toEqual([...value]);
        expect((await ask("get", [...segments, "never-set-\u2603"])).status).toBe(404);
      }),
      { numRuns: RUNS },
    );
  });

  it("strings (any Unicode, NUL inside values) read back with getPropertyString", async () => {
    await fc.assert(
      fc.asyncProperty(path, fc.string({ unit: "binary", maxLength: 40 }), async (segments, value) => {
        const r = await ask("get-string", segments, value);
        expect(r.status).toBe(200);
        expect(r.text).toBe(value);
      }),
      { numRuns: RUNS },
    );
  });

  it("64-bit integers read back with getPropertyInt; any other size gives the fallback", async () => {
    await fc.assert(
      fc.asyncProperty(
        path,
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.uint8Array({ maxLength: 12 }),
        async (segments, n, other) => {
          expect((await ask("get-int", segments, n)).text).toBe(String(n));
          expect((await ask("get-int", segments, other)).text).toBe(
            other.length === 8 ? String(new DataView(other.buffer).getBigInt64(0, true)) : "-7",
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("booleans read back with getPropertyBool: one byte, non-zero is true; other sizes give the fallback", async () => {
    await fc.assert(
      fc.asyncProperty(path, fc.boolean(), fc.uint8Array({ maxLength: 3 }), async (segments, b, other) => {
        expect((await ask("get-bool", segments, b)).text).toBe(String(b));
        expect((await ask("get-bool", segments, other)).text).toBe(String(other.length === 1 && other[0] !== 0));
      }),
      { numRuns: RUNS },
    );
  });

  it("map values decode with getPropertyMap exactly as the reference decoder; malformed ones are null", async () => {
    const pairs = fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.string({ unit: "binary", maxLength: 8 })), {
      maxLength: 6,
    });
    await fc.assert(
      fc.asyncProperty(path, pairs, fc.uint8Array({ maxLength: 48 }), async (segments, map, raw) => {
        const r = await ask("get-map", segments, map as Pair[]);
        expect(r.status).toBe(200);
        expect([...r.body]).toEqual([...encodePairs(map as Pair[])]);
        const ref = referenceDecode(raw);
        const q = await ask("get-map", segments, raw);
        if (ref === null) expect(q.status).toBe(404);
        else {
          expect(q.status).toBe(200);
          if (ref.every(([k, v]) => isUtf8(k) && isUtf8(v))) expect([...q.body]).toEqual([...encodeBytePairs(ref)]);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("values the filter sets at any path read back in the host", async () => {
    await fc.assert(
      fc.asyncProperty(path, fc.string({ unit: "binary", maxLength: 40 }), async (segments, value) => {
        const r = await ask("set", segments, undefined, value);
        expect(r.text).toBe("OK");
        expect(r.stored && [...r.stored]).toEqual([...enc.encode(value)]);
      }),
      { numRuns: RUNS },
    );
  });
});
