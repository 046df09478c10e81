// What a user's release build with the SDK's asconfig.json writes (asc-transform/release-binary.js):
// the source map beside the .wasm, no sourceMappingURL section in it, the smallest binary
// "converge" reached, and no "Last converge was suboptimal" line. Compared with the same build
// without the transform, at the same moment (the SDK's size changes with its sources).
import asc from "assemblyscript/asc";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { sections } from "../../host/wasm/wasm-binary.js";

const repo = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const outDir = mkdtempSync(join(tmpdir(), "pwas-release-"));

async function build(
  config: string,
  name: string,
  entry: string,
): Promise<{ wasm: Uint8Array; stderr: string; map: string | null }> {
  const output = join(outDir, `${name}.wasm`);
  let stderr = "";
  const previous = process.cwd();
  process.chdir(repo);
  try {
    const r = await asc.main([entry, "--config", config, "-o", output], {
      stdout: { write: () => true } as never,
      stderr: {
        write: (s: string) => {
          stderr += s;
        },
      } as never,
    });
    if (r.error) throw new Error(`${r.error.message}\n${stderr}`);
  } finally {
    process.chdir(previous);
  }
  let map: string | null = null;
  try {
    map = readFileSync(`${output}.map`, "utf8");
  } catch {
    // no map without --sourceMap
  }
  return { wasm: new Uint8Array(readFileSync(output)), stderr, map };
}

describe("a release build with the SDK's asconfig.json", () => {
  it("is quiet, keeps its source map beside the .wasm, and is no bigger than asc's own converge", async () => {
    // The SDK's options without the release-binary transform and the source map: what asc
    // alone writes (the other transforms shape the module itself and stay).
    const plain = JSON.parse(readFileSync(join(repo, "asconfig.json"), "utf8"));
    plain.options.transform = plain.options.transform
      .filter((t: string) => !t.endsWith("/release-binary.js"))
      .map((t: string) => join(repo, "asc-transform", t.slice(t.lastIndexOf("/") + 1)));
    delete plain.options.sourceMap;
    const plainConfig = join(outDir, "plain-asconfig.json");
    writeFileSync(plainConfig, JSON.stringify(plain));
    // Filters whose last converge round grew the module (the SDK's changes can move this):
    // the first that still does shows the smaller binary; each shows the quiet build. The
    // quickest to compile comes first.
    const candidates = [
      "test/filters/encodings-probe.ts",
      "examples/properties/assembly/index.ts",
      "examples/http-auth/assembly/index.ts",
      "test/filters/sdk-probe.ts",
    ];
    for (const [i, entry] of candidates.entries()) {
      const before = await build(plainConfig, `plain-${i}`, entry);
      const after = await build("asconfig.json", `sdk-${i}`, entry);
      expect(after.stderr).not.toContain("converge");
      expect(sections(after.wasm).filter((s) => s.id === 0)).toEqual([]);
      const map = JSON.parse(after.map!);
      expect(map.version).toBe(3);
      expect(map.sources).toContain(entry);
      expect(before.map).toBeNull();
      if (before.stderr.includes("Last converge was suboptimal")) {
        expect(after.wasm.length).toBeLessThan(before.wasm.length);
        break;
      }
      expect(after.wasm).toEqual(before.wasm);
    }
  }, 120_000);
});
