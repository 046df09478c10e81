// The package as a user gets it: `npm pack`, install the tarball into a project outside this
// repository, build a filter there with a three-line asconfig.json that extends the SDK's,
// check it, and run it through `proxy-wasm-as/host` from that project.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const project = mkdtempSync(join(tmpdir(), "pwas-user-"));
let tarballPath = "";

function run(command: string, args: string[], cwd: string): string {
  const env = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" };
  return execFileSync(command, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

const FILTER = `export * from "proxy-wasm-as/assembly/proxy";
import { Action, HttpContext, PluginContext, registerPlugin, responseHeaders } from "proxy-wasm-as/assembly";

class AddHeader extends HttpContext {
  onResponseHeaders(numHeaders: u32, endOfStream: bool): Action {
    responseHeaders.add("x-from-user-project", "yes");
    return Action.Continue;
  }
}
class Plugin extends PluginContext {
  newHttpContext(contextId: u32): HttpContext { return new AddHeader(contextId); }
}
registerPlugin((contextId: u32): PluginContext => new Plugin(contextId));
`;

const RUNNER = `import { readFileSync } from "node:fs";
import { Host } from "proxy-wasm-as/host";

const host = new Host();
const vm = await host.loadVm(readFileSync("build/filter.wasm"));
const plugin = vm.startPlugin({ configuration: "" });
const stream = plugin.newHttpStream();
stream.requestHeaders([[":method", "GET"], [":path", "/"], [":authority", "example"]], { endOfStream: true });
stream.responseHeaders([[":status", "200"]], { endOfStream: true });
stream.complete();
console.log(JSON.stringify(stream.responseHeadersMap));
`;

describe("the packed package in a user's project", () => {
  beforeAll(() => {
    const packDir = join(project, "pack");
    mkdirSync(packDir);
    run("npm", ["pack", "--silent", "--pack-destination", packDir], repo);
    const tarball = readdirSync(packDir).find((name) => name.endsWith(".tgz"));
    if (!tarball) throw new Error("npm pack wrote no tarball");
    tarballPath = join(packDir, tarball);
    writeFileSync(join(project, "package.json"), JSON.stringify({
      name: "user-filter", private: true, type: "module",
      dependencies: { "proxy-wasm-as": `file:${tarballPath}` },
    }, null, 2));
    run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], project);
    mkdirSync(join(project, "assembly"));
    writeFileSync(join(project, "assembly", "index.ts"), FILTER);
    writeFileSync(join(project, "asconfig.json"), JSON.stringify({
      extends: "proxy-wasm-as/asconfig.json",
      targets: { release: { outFile: "build/filter.wasm" } },
    }, null, 2));
  }, 240_000);

  it("ships the SDK sources, the base asconfig, the host emulator and the CLI", () => {
    const installed = join(project, "node_modules", "proxy-wasm-as");
    const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
    expect(pkg.name).toBe("proxy-wasm-as");
    expect(pkg.version).toBe("0.1.0");
    expect(pkg.license).toBe("Apache-2.0");
    for (const file of ["assembly/index.ts", "assembly/proxy.ts", "asconfig.json", "dist/host/index.js", "dist/host/index.d.ts", "dist/cli/main.js", "abi/v0.2.1.json"]) {
      expect(() => readFileSync(join(installed, file)), file).not.toThrow();
    }
  });

  it("builds a filter with asc and a config that only extends the SDK's", () => {
    run("npx", ["asc", "assembly/index.ts", "--config", "asconfig.json", "--target", "release"], project);
    const wasm = readFileSync(join(project, "build", "filter.wasm"));
    expect(WebAssembly.validate(wasm)).toBe(true);
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(wasm)).map((i) => `${i.module}.${i.name}`);
    expect(imports.filter((name) => !name.startsWith("env.proxy_") && !name.startsWith("wasi_snapshot_preview1."))).toEqual([]);
  }, 120_000);

  it("passes the packaged ABI check", () => {
    const output = run("npx", ["proxy-wasm-as", "check", "build/filter.wasm"], project);
    expect(output).toContain("conforms to Proxy-Wasm ABI v0.2.1");
  }, 60_000);

  it("runs in the packaged host emulator", () => {
    writeFileSync(join(project, "run.mjs"), RUNNER);
    const headers = JSON.parse(run("node", ["run.mjs"], project)) as [string, string][];
    expect(headers).toContainEqual(["x-from-user-project", "yes"]);
  }, 60_000);

  it("lets a user copy an example out of the repository, then build and test it", () => {
    const copy = join(project, "copied-example");
    cpSync(join(repo, "examples", "http-headers"), copy, {
      recursive: true,
      filter: (source) => !source.includes("node_modules") && !source.includes(`${join("http-headers", "build")}`),
    });
    const manifest = JSON.parse(readFileSync(join(copy, "package.json"), "utf8"));
    manifest.dependencies["proxy-wasm-as"] = `file:${tarballPath}`;
    writeFileSync(join(copy, "package.json"), JSON.stringify(manifest, null, 2));
    rmSync(join(copy, "build"), { recursive: true, force: true });
    run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], copy);
    run("npm", ["run", "build"], copy);
    const output = run("npm", ["test"], copy);
    const plain = output.replace(/\u001b\[[0-9;]*m/g, "");
    expect(plain).toMatch(/Tests\s+\d+ passed/);
    expect(plain).not.toMatch(/failed/);
  }, 300_000);
});
