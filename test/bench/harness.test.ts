// Smoke test of the benchmark harness (bench/): `node bench/run.mjs --quick` builds every
// contender (npm ci for G-Core and solo when their node_modules are missing: a few seconds from
// the registry), checks that each filter does its job, runs every measurement a few times and
// writes a report. No timing is asserted: the point is that `npm run bench` does not rot.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "bench-smoke-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("benchmark harness", () => {
  it("runs every benchmark once, quickly, and writes the report", () => {
    const out = join(dir, "performance.md");
    const run = spawnSync(process.execPath, [join(ROOT, "bench/run.mjs"), "--quick", "--out", out], { cwd: ROOT, encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    const page = readFileSync(out, "utf8");
    for (const heading of ["## Targets", "## HTTP stream lifecycle", "## Request body", "## Metric and shared data", "## Cold start", "## The emulator's own cost", "## Host calls per stream", "## Binary size", "## Memory"]) {
      expect(page).toContain(heading);
    }
    for (const contender of ["floor (hand-written WAT)", "proxy-wasm-as", "G-Core", "solo.io"]) expect(page).toContain(`| ${contender} |`);
    expect(page).not.toMatch(/\| (NaN|n\/a) /);
  }, 90_000);
});
