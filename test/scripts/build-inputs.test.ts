// What lets `npm run build` skip a filter (scripts/build-inputs.mjs): every path asc asked for is
// recorded with what it held, or as absent, and any change to either means "build again".
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain JS module of the build script
import { recordingReader, unchanged } from "../../scripts/build-inputs.mjs";

describe("a build's recorded inputs", () => {
  const dir = mkdtempSync(join(tmpdir(), "pwas-build-inputs-"));
  writeFileSync(join(dir, "index.ts"), "export const a = 1;\n");

  async function record(): Promise<Record<string, string | null>> {
    const seen: Record<string, string | null> = {};
    const read = recordingReader(seen);
    expect(await read("index.ts", dir)).toBe("export const a = 1;\n");
    expect(await read("lib.ts", dir)).toBeNull(); // a candidate asc tried that is not there
    return seen;
  }

  it("are unchanged while every file holds the same text and every absent one stays absent", async () => {
    const seen = await record();
    expect(Object.keys(seen).sort()).toEqual([join(dir, "index.ts"), join(dir, "lib.ts")]);
    expect(unchanged(seen)).toBe(true);
  });

  it("change when a file read changes", async () => {
    const seen = await record();
    writeFileSync(join(dir, "index.ts"), "export const a = 2;\n");
    expect(unchanged(seen)).toBe(false);
    writeFileSync(join(dir, "index.ts"), "export const a = 1;\n");
    expect(unchanged(seen)).toBe(true);
  });

  it("change when a file that was absent appears (it can change how an import resolves), or one read is gone", async () => {
    const seen = await record();
    writeFileSync(join(dir, "lib.ts"), "export const b = 1;\n");
    expect(unchanged(seen)).toBe(false);
    rmSync(join(dir, "lib.ts"));
    expect(unchanged(seen)).toBe(true);
    rmSync(join(dir, "index.ts"));
    expect(unchanged(seen)).toBe(false);
  });
});
