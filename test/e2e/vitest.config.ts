// The e2e group (`npm run test:e2e`): the examples through a real nginx + ngx_wasm_module. One
// worker, files one after another: each test starts its own nginx, and the machine is shared.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    globalSetup: ["test/e2e/setup.ts"],
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
    // Bounds, not expectations: every wait inside a test has its own shorter bound.
    testTimeout: 90_000,
    hookTimeout: 90_000,
    // Counts for CI's closing line, beside the main suite's .vitest-results.json.
    reporters: ["default", "json"],
    outputFile: { json: ".vitest-e2e-results.json" },
  },
});
