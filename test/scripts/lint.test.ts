// scripts/lint.mjs hands AssemblyScript to Biome with its function and global decorators as
// comments of the same length, so that Biome parses the file and reports its own lines and columns.
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without type declarations
import { ASSEMBLYSCRIPT, maskDecorators } from "../../scripts/lint.mjs";

describe("lint: AssemblyScript decorators", () => {
  const source = [
    '@external("env", "proxy_log")',
    "export declare function proxy_log(level: u32, ptr: usize, size: usize): u32;",
    "@inline export function twice(x: i32): i32 { return x * 2; }",
    "class A {",
    "  @lazy static table: i32 = 0;",
    "}",
    "@json",
    "class Config { port: i32 = 0; }",
  ].join("\n");

  it("turns each into a comment of the same length, keeping every line and column", () => {
    const masked = maskDecorators(source);
    expect(masked.split("\n").map((l: string) => l.length)).toEqual(source.split("\n").map((l) => l.length));
    expect(masked).toContain("export declare function proxy_log");
    expect(masked.split("\n")[0]).toMatch(/^\/\* +\*\/$/);
    expect(masked.split("\n")[2]).toMatch(/^\/\* +\*\/ export function twice/);
    expect(masked.split("\n")[4]).toMatch(/^ {2}\/\* +\*\/ static table/);
  });

  it("leaves class decorators such as json-as's @json, which TypeScript parses", () => {
    expect(maskDecorators(source).split("\n")[6]).toBe("@json");
  });

  it("knows where the AssemblyScript sources are", () => {
    for (const f of [
      "assembly/json.ts",
      "examples/per-route/assembly/index.ts",
      "test/filters/add-header.ts",
      "bench/ours/body.ts",
      "bench/log-path/filter.ts",
    ]) {
      expect(ASSEMBLYSCRIPT.test(f), f).toBe(true);
    }
    for (const f of ["host/host.ts", "examples/per-route/test/filter.test.ts", "cli/main.ts", "bench/run.mjs"]) {
      expect(ASSEMBLYSCRIPT.test(f), f).toBe(false);
    }
  });
});
