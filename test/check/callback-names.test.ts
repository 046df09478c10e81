// The build warns when a context class defines a method named like another SDK's callback
// (asc-transform/callback-names.js): it compiles and the optimizer drops it, so the filter
// silently never reads its configuration or headers. `check` cannot see it in the .wasm.
import asc from "assemblyscript/asc";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain JS module of the package (asc loads it as a transform)
import { misnamedCallback } from "../../asc-transform/callback-names.js";

const repo = resolve(fileURLToPath(new URL("../..", import.meta.url)));

const SOURCE = `export * from "proxy-wasm-as/assembly/proxy";
import { Action, HttpContext, PluginContext, registerPlugin } from "proxy-wasm-as/assembly";

class Plugin extends PluginContext {
  onConfigure(size: usize): bool { return true; }
  newHttpContext(id: u32): HttpContext { return new Stream(id); }
}
class Base extends HttpContext {}
class Stream extends Base {
  on_http_request_headers(n: u32, eos: bool): Action { return Action.Continue; }
  onNewConnection(): Action { return Action.Continue; }
  onRequestHeaders(n: u32, eos: bool): Action { return Action.Continue; }
  onAllowed(): void {}
  constructor(id: u32) { super(id); }
  toString(): string { return "stream"; }
}
class NotAContext {
  onConfigure(): void {}
}
registerPlugin((id: u32) => new Plugin(id));
`;

describe("the build's callback-name warning", () => {
  it("names each misnamed method with its line and the callback this SDK calls", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pwas-callback-names-"));
    const entry = join(dir, "index.ts");
    writeFileSync(entry, SOURCE);
    let stderr = "";
    const previous = process.cwd();
    process.chdir(repo);
    try {
      const r = await asc.main(
        [entry, "--config", "asconfig.json", "--noEmit", "--optimizeLevel", "0", "--shrinkLevel", "0"],
        {
          stdout: { write: () => true } as never,
          stderr: {
            write: (s: string) => {
              stderr += s;
            },
          } as never,
        },
      );
      expect(r.error, stderr).toBeNull();
    } finally {
      process.chdir(previous);
    }
    const warnings = stderr.split("\n").filter((l) => l.startsWith("WARNING proxy-wasm-as:"));
    expect(warnings.map((w) => w.replace(/^WARNING proxy-wasm-as: .*index\.ts:/, ""))).toEqual([
      "5: class Plugin: onConfigure is not a callback of this SDK (another SDK's name?): a PluginContext gets onPluginStart",
      "10: class Stream: on_http_request_headers is not a callback of this SDK (another SDK's name?): an HttpContext gets onRequestHeaders",
      "11: class Stream: onNewConnection is a TcpContext callback: an HttpContext never gets it",
    ]);
  });

  it("knows the Rust, C++ and Go SDKs' names, and leaves the filter's own helpers alone", () => {
    expect(misnamedCallback("PluginContext", "on_vm_start")).toMatch(
      /gets onPluginStart \(onVmStart is a VMContext's\)/,
    );
    expect(misnamedCallback("HttpContext", "OnHttpResponseHeaders")).toMatch(/gets onResponseHeaders$/);
    expect(misnamedCallback("HttpContext", "onDone")).toMatch(/gets onStreamDone$/);
    expect(misnamedCallback("PluginContext", "onDone")).toMatch(/gets onPluginDone$/);
    expect(misnamedCallback("HttpContext", "onTick")).toMatch(/is a PluginContext callback/);
    expect(misnamedCallback("TcpContext", "onRequestHeaders")).toMatch(/is an HttpContext callback/);
    expect(misnamedCallback("TcpContext", "on_new_connection")).toMatch(/gets onNewConnection$/);
    expect(misnamedCallback("HttpContext", "onResponseHeaders")).toBeNull();
    expect(misnamedCallback("HttpContext", "onHttpCallResponse")).toBeNull();
    expect(misnamedCallback("HttpContext", "onAllowed")).toBeNull();
    expect(misnamedCallback("PluginContext", "onPluginStart")).toBeNull();
    for (const name of ["constructor", "toString", "hasOwnProperty", "__proto__"])
      expect(misnamedCallback("HttpContext", name)).toBeNull();
  });
});
