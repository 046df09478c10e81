import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The JSON report feeds the "N passed, N failed" line that .ci/run prints.
    reporters: ["default", "json"],
    outputFile: { json: ".vitest-results.json" },
  },
});
