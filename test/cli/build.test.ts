// `proxy-wasm-as build`: every filter of a project (assembly/index.ts and assembly/NAME/) built
// at once in worker threads and checked; --target debug is the SDK's fast unoptimized build.
// The project lives under the repository's node_modules/.cache, so "proxy-wasm-as" resolves
// to this checkout as it would to the installed package.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectFilters } from "../../cli/build.js";
import { Host } from "../../host/index.js";
import { repo, runCli } from "./helpers.js";

mkdirSync(join(repo, "node_modules", ".cache"), { recursive: true });
const dir = mkdtempSync(join(repo, "node_modules", ".cache", "pwas-build-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function project(name: string, filters: Record<string, string>): string {
  const p = join(dir, name);
  for (const [to, example] of Object.entries(filters))
    cpSync(join(repo, "examples", example, "assembly"), join(p, to), { recursive: true });
  writeFileSync(
    join(p, "asconfig.json"),
    JSON.stringify({ extends: "proxy-wasm-as/asconfig.json", targets: { release: { outFile: "build/filter.wasm" } } }),
  );
  return p;
}

describe("proxy-wasm-as build", () => {
  it("builds a project's filters side by side and checks each, one line per conforming module", async () => {
    const p = project("two", { assembly: "hello-world", "assembly/headers": "http-headers" });
    expect(projectFilters(p, "debug")).toEqual([
      { entry: "assembly/index.ts", outFile: "build/filter.wasm" },
      { entry: "assembly/headers/index.ts", outFile: "build/headers.wasm" },
    ]);
    const r = await runCli("build", p, "--target", "debug");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split("\n");
    expect(lines.slice(0, 2)).toEqual([
      "build/filter.wasm: conforms to Proxy-Wasm ABI v0.2.1 (0 errors, 0 warnings)",
      "build/headers.wasm: conforms to Proxy-Wasm ABI v0.2.1 (0 errors, 0 warnings)",
    ]);
    expect(lines[2]).toMatch(
      new RegExp(
        `^built 2 of 2 filters \\(--target debug, ${Math.min(2, availableParallelism())} at a time\\) in [\\d.]+ s$`,
      ),
    );
    // the debug build is a working filter, with its source map
    expect(existsSync(join(p, "build/headers.wasm.map"))).toBe(true);
    const vm = await new Host().loadVm(join(p, "build/headers.wasm"));
    const plugin = vm.startPlugin({ configuration: '{"header":"x-hello","value":"world"}' });
    const s = plugin.newHttpStream();
    s.requestHeaders([[":path", "/"]], { endOfStream: true });
    s.responseHeaders([[":status", "200"]], { endOfStream: true });
    expect(s.responseHeader("x-hello")).toBe("world");
  });

  it("shows the compiler's error and exits 1 when a build fails, the other filters still built", async () => {
    const p = project("broken", { assembly: "hello-world", "assembly/bad": "hello-world" });
    writeFileSync(
      join(p, "assembly/bad/index.ts"),
      'export * from "proxy-wasm-as/assembly/proxy";\nlet x: i32 = "text";\n',
    );
    const r = await runCli("build", p, "--target", "debug");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^assembly\/bad\/index\.ts: the build failed: /m);
    expect(r.err).toMatch(/TS2322/);
    expect(r.out).toContain("build/filter.wasm: conforms");
    expect(r.out).toMatch(/built 1 of 2 filters/);
  });

  it("needs a project", async () => {
    const empty = join(dir, "empty");
    mkdirSync(empty);
    const none = await runCli("build", empty);
    expect([none.code, none.err.split("\n")[0]]).toEqual([
      2,
      `build: ${empty} has no asconfig.json (start a project with "proxy-wasm-as init NAME")`,
    ]);
    writeFileSync(join(empty, "asconfig.json"), "{}");
    expect((await runCli("build", empty)).err.split("\n")[0]).toBe(
      `build: ${empty} has no filter (assembly/index.ts or assembly/NAME/index.ts)`,
    );
    expect((await runCli("build", "--help")).out).toContain(
      "Usage: proxy-wasm-as build [DIR] [--target release|debug]",
    );
  });
});
