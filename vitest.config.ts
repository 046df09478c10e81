import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

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
    // Generous bounds so a loaded machine slows the suite down without failing it; no test
    // asserts on wall-clock time.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The JSON report feeds the "N passed, N failed" line that .ci/run prints.
    reporters: ["default", "json"],
    outputFile: { json: ".vitest-results.json" },
  },
});
