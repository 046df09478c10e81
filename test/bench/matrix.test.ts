// The instruction matrix's machine-independent figures, held by tests (bench/matrix.mjs,
// bench/instruction-counts.mjs): exact counts, so each bound is a measured figure, and a change
// that makes the SDK dearer fails here with the number. The Rust SDK's builds that these compare
// with are committed (bench/rust/*.wasm), so nothing here needs Rust or the network.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";
import { beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain JavaScript modules of the benchmark
import { countPoint } from "../../bench/instruction-counts.mjs";
// @ts-expect-error: plain JavaScript modules of the benchmark
import { MATRIX } from "../../bench/matrix.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "matrix-"));
const point = (id: string) => MATRIX.find((p: { id: string }) => p.id === id);
/** A point with fewer streams per window: the means are exact either way, and the test is quicker. */
const quick = (id: string, perWindow = 200) => ({ ...point(id), perWindow });
const rust = (filter: string) => `${ROOT}bench/rust/${filter}.wasm`;
const ours: Record<string, string> = {};

async function build(filter: string): Promise<string> {
  const out = join(dir, `${filter}.wasm`);
  const { error, stderr } = await asc.main(
    [`${ROOT}bench/ours/${filter}.ts`, "--config", `${ROOT}asconfig.json`, "-o", out],
    { stdout: { write() {} } } as never,
  );
  if (error) throw new Error(`${filter}: ${error.message}\n${stderr}`);
  return out;
}

beforeAll(async () => {
  for (const f of ["headers-all", "headers-one", "body-pass", "body-append", "http-call", "config-json"])
    ours[f] = await build(f);
}, 120_000);

describe("add-header across :path lengths (test/build/add-header.wasm)", () => {
  const wasm = `${ROOT}test/build/add-header.wasm`;

  it("never costs less for a longer :path, and stays under the measured figures", async () => {
    // Measured 2026-12-07 (session 18): 887, 1,149, 1,211, 1,307, 1,491, 2,629, 7,768 (Rust SDK
    // 0.2.0: 1,461, 1,727, 1,797, 1,767, 1,877, 2,341, 4,261).
    const bounds: Record<number, number> = { 0: 887, 1: 1149, 6: 1211, 17: 1307, 64: 1491, 256: 2629, 1024: 7768 };
    let previous = 0;
    for (const [length, bound] of Object.entries(bounds)) {
      // The bench's own windows: the same streams give the same figure to the instruction.
      const r = await countPoint(wasm, "add_header", point(`add-header/${length}`));
      expect(r.mean, `:path ${length} B`).toBeLessThanOrEqual(bound);
      expect(r.mean, `:path ${length} B costs less than the length before it`).toBeGreaterThanOrEqual(previous);
      previous = r.mean;
    }
  }, 300_000);

  it("shows no collection cadence: the 10 windows of 2,000 streams are within 2% of each other", async () => {
    for (const length of [1, 64]) {
      const r = await countPoint(wasm, "add_header", point(`add-header/${length}`));
      expect((r.max - r.min) / r.mean, `:path ${length} B: windows ${r.min}–${r.max}`).toBeLessThanOrEqual(0.02);
    }
  }, 120_000);
});

describe("where ours is below the Rust SDK, it stays there", () => {
  const below = [
    ["headers-all/10", "headers-all"],
    ["headers-all/100", "headers-all"],
    ["headers-one/10", "headers-one"],
    ["body-pass/65536", "body-pass"],
    ["body-append/65536", "body-append"],
    ["http-call", "http-call"],
  ];
  for (const [id, filter] of below) {
    it(
      id,
      async () => {
        const p = quick(id, id.startsWith("body") ? 100 : 200);
        const a = await countPoint(ours[filter], "add_header", p);
        const b = await countPoint(rust(filter), "add_header", p);
        expect(a.mean, `ours ${a.mean}, Rust ${b.mean}`).toBeLessThanOrEqual(b.mean);
      },
      60_000,
    );
  }
});

describe("plugin start with a JSON configuration", () => {
  // Measured 2026-12-07: ours 124,764 and 8,838,572 instructions, Rust SDK 0.2.0 (serde_json)
  // 159,400 and 9,175,302. The parse tree's small objects are carved from a chunk, not taken from
  // TLSF one by one, and repeated keys are decoded once.
  for (const [id, bound] of [
    ["plugin-start/1024", 124_764],
    ["plugin-start/65536", 8_838_572],
  ] as const) {
    it(`${id}: below the Rust SDK, and under the measured figure`, async () => {
      const a = await countPoint(ours["config-json"], "config_json", point(id));
      const b = await countPoint(rust("config-json"), "config_json", point(id));
      expect(a.mean, `ours ${a.mean}, Rust ${b.mean}`).toBeLessThanOrEqual(b.mean);
      expect(a.mean).toBeLessThanOrEqual(bound);
    }, 120_000);
  }
});

describe("bodies", () => {
  it("a pass-through filter has no body byte copied into wasm memory", async () => {
    const r = await countPoint(ours["body-pass"], "add_header", quick("body-pass/65536", 50));
    expect(r.copiedPerCallback.proxy_on_request_body ?? 0).toBe(0);
  }, 60_000);
});
