// The typed-config build (asconfig.typed-config.json: json-as's transform wrapped by
// asc-transform/typed-config.js): what it adds to json-as and the catches it removes. The
// parsing itself is tested through examples/typed-config.
import asc from "assemblyscript/asc";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .js transform without type declarations
import { classSchema, jsonClasses, typeSchema } from "../../asc-transform/typed-config.js";
import { Parser } from "assemblyscript/dist/assemblyscript.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const probeDir = `${root}test/build/typed-config-probe`;

/** The @json classes of an AssemblyScript source text, as the transform sees them. */
function classesOf(text: string) {
  const parser = new Parser();
  parser.parseFile(text, "probe.ts", true);
  return jsonClasses(parser.sources);
}

/** Compiles `entry` as `assembly/index.ts` with the given transforms; the module's export names or the error. */
async function compile(entry: string, config: string): Promise<{ exports: string[]; error: string }> {
  const files: Record<string, Uint8Array> = {};
  const { error, stderr } = await asc.main(
    [
      "assembly/index.ts",
      "--config",
      `${root}${config}`,
      "--baseDir",
      probeDir,
      "-o",
      "out.wasm",
      "--optimizeLevel",
      "0",
      "--shrinkLevel",
      "0",
    ],
    {
      stdout: { write() {} } as never,
      readFile: (name: string, dir: string) => {
        const path = resolve(dir, name); // textually: the probe directory does not exist
        if (path === `${probeDir}/assembly/index.ts`) return entry;
        try {
          return readFileSync(path, "utf8");
        } catch {
          return null;
        }
      },
      writeFile: (name: string, contents: Uint8Array | string) => {
        if (typeof contents !== "string") files[name] = contents;
      },
    },
  );
  if (error) return { exports: [], error: `${error.message}\n${stderr.toString()}` };
  const module = await WebAssembly.compile(files["out.wasm"]);
  return { exports: WebAssembly.Module.exports(module).map((e) => e.name), error: "" };
}

const FILTER = `
import { PluginContext, registerPlugin } from "proxy-wasm-as/assembly";
import { parsePluginConfiguration } from "proxy-wasm-as/assembly/typed-config";
@json class Config { port: i32 = 80; }
class P extends PluginContext {
  onPluginStart(size: usize): bool { return parsePluginConfiguration<Config>() !== null; }
}
registerPlugin((id: u32) => new P(id));
`;

describe("typed-config schema", () => {
  const classes = classesOf(`
    @json class Header { name!: string; value: string = ""; }
    @json class Limits { @alias("max-bytes") maxBytes: u32 = 0; ratio: f64 = 0.5; static shared: i32 = 0; }
    @json class Config {
      headers: Header[] = [];
      limits: Limits = new Limits();
      tags: Map<string, string> = new Map();
      owner: string | null = null;
      retries: JSON.Box<u8> | null = null;
      ids: Array<i64> = [];
      on: bool = false;
      size: usize = 0;
      raw: JSON.Raw = "";
    }
    class NotJson { a: i32 = 0; }
  `);

  it("describes every field of a @json class, nested classes inline, required keys marked", () => {
    expect([...classes.keys()]).toEqual(["Header", "Limits", "Config"]);
    expect(classSchema(classes.get("Header"), classes)).toBe("{!4:names,5:values}");
    expect(classSchema(classes.get("Limits"), classes)).toBe("{9:max-bytesu32,5:ratiof}");
    expect(classSchema(classes.get("Config"), classes)).toBe(
      "{7:headers[{!4:names,5:values}],6:limits{9:max-bytesu32,5:ratiof},4:tagsms,5:owner?s,7:retries?u8,3:ids[i64],2:onb,4:sizeu32,3:rawa}",
    );
  });

  it("leaves unchecked what it cannot describe", () => {
    expect(typeSchema("Map<i32,string>", classes)).toBe("a");
    expect(typeSchema("SomeEnum", classes)).toBe("a");
    expect(typeSchema("string|i32", classes)).toBe("a");
  });
});

describe("typed-config build", () => {
  it(
    "keeps the callbacks of an entry named assembly/index.ts, which json-as alone drops",
    { timeout: 120_000 },
    async () => {
      const entry = `export * from "proxy-wasm-as/assembly/proxy";\n${FILTER}`;
      const typed = await compile(entry, "asconfig.typed-config.json");
      expect(typed.error).toBe("");
      expect(typed.exports).toContain("proxy_on_configure");
      expect(typed.exports).toContain("proxy_abi_version_0_2_1");
    },
  );

  it("fails, saying why, when the module would export no callback", { timeout: 120_000 }, async () => {
    // The abort handlers come in through the proxy exports; without them asc stops earlier.
    const result = await compile(
      `import "proxy-wasm-as/assembly/runtime/abort";\n${FILTER}`,
      "asconfig.typed-config.json",
    );
    expect(result.error).toMatch(/typed-config: the module exports no proxy_on_\* callback/);
  });
});
