import { availableParallelism } from "node:os";
import { relative } from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The files that take longest, longest first. vitest runs the longest first by itself once it
 * has timed a run; on a first run (a clean install: no timings) it would order by file size and
 * could start these last, leaving one worker busy alone at the end.
 */
const LONGEST = [
  "test/package/pack-install.test.ts",
  "test/reliability/memory.test.ts",
  "test/sdk/body-memory.test.ts",
  "test/sdk/release-binary.test.ts",
  "test/docs/code-blocks.test.ts",
  "test/reliability/faults.test.ts",
  "test/reliability/traffic.test.ts",
];

class LongestFirst extends BaseSequencer {
  async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = LONGEST.indexOf(relative(f.project.config.root, f.moduleId).replace(/\\/g, "/"));
      return i < 0 ? LONGEST.length : i;
    };
    // Array.prototype.sort is stable: the rest keep vitest's order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    // One worker per core (the suite is CPU-bound wasm and compilation; more workers only
    // contend). Long soak and benchmark runs live behind `npm run soak` / `npm run bench`.
    pool: "forks",
    maxWorkers: Math.max(1, availableParallelism()),
    // Test files of one worker share its module cache (the emulator, the CLI, the compiler are
    // loaded once per worker, not once per file): it halves the suite's time. No test mocks a
    // module or stubs a global, and each file that changes directory changes it back.
    isolate: false,
    sequence: { sequencer: LongestFirst },
    // Generous bounds so a loaded machine slows the suite down without failing it; no test
    // asserts on wall-clock time.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The JSON report feeds the "N passed, N failed" line that .ci/run prints.
    reporters: ["default", "json"],
    outputFile: { json: ".vitest-results.json" },
  },
});
