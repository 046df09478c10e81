// End to end through the published entry point: compile cli/ to dist/ and run bin/ in a child
// process, as `npx proxy-wasm-as check` would.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { tmpFile } from "./run-cli.js";
import { conformantWat, wat } from "./wat.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const bin = (...args: string[]) => run(process.execPath, ["bin/proxy-wasm-as.js", ...args]);

beforeAll(() => {
  // tsc also compiles host/ (not ours) and still emits when that has errors; only cli/ errors count here.
  // The build is incremental (tsconfig.build.json): after `npm run build` it rewrites nothing, so
  // the test files loading dist/ at the same time never read a half-written file (a full rewrite
  // would race with them), and it still reports every error.
  const tsc = run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"]);
  const cliErrors = tsc.out.split("\n").filter((l) => l.startsWith("cli/"));
  expect(cliErrors, "cli/ must compile cleanly").toEqual([]);
  expect(existsSync(`${root}dist/cli/main.js`)).toBe(true);
});

describe("bin/proxy-wasm-as.js check", () => {
  it("exits 0 on a conformant module and lists its callbacks", async () => {
    const file = tmpFile("bin-ok.wasm", await wat(conformantWat()));
    const r = bin("check", file);
    expect(r.out).toContain("conforms to Proxy-Wasm ABI v0.2.1");
    expect(r.out).toMatch(/HTTP\s+proxy_on_request_headers/);
    expect(r.code).toBe(0);
  });

  it("exits 1 with the reason on env.abort", async () => {
    const file = tmpFile(
      "bin-abort.wasm",
      await wat(conformantWat({ imports: `(import "env" "abort" (func (param i32 i32 i32 i32)))` })),
    );
    const r = bin("check", "--json", file);
    expect(JSON.parse(r.out).files[0].findings[0]).toMatchObject({ severity: "error", subject: "env.abort" });
    expect(r.code).toBe(1);
  });

  it("exits 2 without a stack trace on a non-wasm or missing file", () => {
    const r = bin("check", `${root}package.json`, "/nonexistent.wasm");
    expect(r.err).toContain("package.json: not a WebAssembly module");
    expect(r.err).toContain("/nonexistent.wasm: cannot read the file: no such file");
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(2);
  });

  it("prints usage with --help", () => {
    const r = bin("--help");
    expect(r.out).toContain("Usage: proxy-wasm-as <command>");
    expect(r.code).toBe(0);
  });
});
