// AssemblyScript's runtime made to fit a proxy: abort, trace and Math.random's seed go to the
// ABI; console.log and Date.now, which no proxy provides, are caught when the filter is built.
import asc from "assemblyscript/asc";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkFile } from "../../cli/check.js";
import { Host } from "../../host/index.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
// Sources go inside the repository (git-ignored) so "proxy-wasm-as/assembly" resolves through
// its node_modules link; modules go outside it, where no check of built modules finds them.
const workDir = join(repo, "test", "build", "runtime-fit");
const outDir = mkdtempSync(join(tmpdir(), "pwas-runtime-fit-"));

async function build(name: string, source: string): Promise<string> {
  mkdirSync(workDir, { recursive: true });
  const entry = join(workDir, `${name}.ts`);
  const output = join(outDir, `${name}.wasm`);
  writeFileSync(entry, source);
  const previous = process.cwd();
  process.chdir(repo);
  try {
    const { error, stderr } = await asc.main([entry, "--config", "asconfig.json", "-o", output], {
      stdout: { write() {} },
    });
    if (error) throw new Error(`${error.message}\n${stderr}`);
  } finally {
    process.chdir(previous);
  }
  return output;
}

const HEADER = `export * from "proxy-wasm-as/assembly/proxy";
import { Action, HttpContext, PluginContext, registerPlugin, requestHeaders } from "proxy-wasm-as/assembly";
`;

describe("the SDK's runtime fit", () => {
  it("routes trace to the proxy's log, seeds Math.random from WASI, and imports nothing else", async () => {
    const file = await build(
      "fit",
      `${HEADER}
class Stream extends HttpContext {
  onRequestHeaders(n: u32, end: bool): Action {
    trace("tracing", 2, 1.5, 2);
    const r = Math.random();
    requestHeaders.add("x-random-ok", r >= 0 && r < 1 ? "yes" : "no");
    if (requestHeaders.has("x-fail")) assert(false, "asked to fail");
    return Action.Continue;
  }
}
class Plugin extends PluginContext { newHttpContext(id: u32): HttpContext { return new Stream(id); } }
registerPlugin((id: u32): PluginContext => new Plugin(id));
`,
    );
    const result = await checkFile(file);
    expect(result.status).toBe("conformant");
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(file))).map(
      (i) => `${i.module}.${i.name}`,
    );
    expect(imports).toContain("wasi_snapshot_preview1.random_get");
    expect(imports.filter((name) => name.startsWith("env.") && !name.startsWith("env.proxy_"))).toEqual([]);

    const host = new Host();
    const plugin = (await host.loadVm(file)).startPlugin();
    const stream = plugin.newHttpStream();
    stream.requestHeaders([[":path", "/"]]);
    expect(stream.requestHeadersMap).toContainEqual(["x-random-ok", "yes"]);
    expect(host.logsAt("trace")).toContain("trace: tracing 1.5, 2.0");
  });

  it("rejects console.log and Date.now at build time, naming the import and the fix", async () => {
    const file = await build(
      "unfit",
      `${HEADER}
class Stream extends HttpContext {
  onRequestHeaders(n: u32, end: bool): Action {
    console.log("hello");
    requestHeaders.add("x-now", Date.now().toString());
    return Action.Continue;
  }
}
class Plugin extends PluginContext { newHttpContext(id: u32): HttpContext { return new Stream(id); } }
registerPlugin((id: u32): PluginContext => new Plugin(id));
`,
    );
    const result = await checkFile(file);
    expect(result.status).toBe("nonconformant");
    if (result.status !== "nonconformant") return;
    const problems = result.findings.filter((f) => f.severity === "error").map((f) => `${f.subject}: ${f.message}`);
    expect(problems.some((p) => p.startsWith("env.console.log") && /log/.test(p))).toBe(true);
    expect(problems.some((p) => p.startsWith("env.Date.now") && /time/.test(p))).toBe(true);
  });
});
