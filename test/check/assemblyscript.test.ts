// The checker on real AssemblyScript output rather than hand-written WAT: the compiler's
// default build keeps env.abort (rejected); with abort remapped and the ABI entry points
// exported, the same compiler yields a module the checker accepts.
import asc from "assemblyscript/asc";
import { describe, expect, it } from "vitest";
import { checkModule } from "../../cli/conformance.js";

const FILTER = `
@external("env", "proxy_log") declare function proxy_log(level: u32, ptr: usize, len: usize): u32;
export function proxy_abi_version_0_2_1(): void {}
export function proxy_on_memory_allocate(size: usize): usize { return heap.alloc(size); }
export function proxy_on_request_headers(id: u32, headers: u32, eos: u32): u32 {
  if (headers > 100) throw new Error("too many headers");
  proxy_log(2, 0, 0);
  return 0;
}
`;

async function compile(options: asc.CompilerOptions): Promise<Uint8Array> {
  const r = await asc.compileString(FILTER, { runtime: "stub", optimizeLevel: 1, ...options });
  if (r.error) throw new Error(`asc failed: ${r.error.message}\n${r.stderr}`);
  return r.binary!;
}

describe("AssemblyScript builds", () => {
  it("rejects the compiler's default output for its env.abort import and missing _initialize", async () => {
    const r = checkModule(await compile({}));
    expect(r.findings.filter((f) => f.severity === "error").map((f) => f.subject)).toEqual([
      "env.abort",
      "_initialize",
    ]);
  });

  it("accepts the output once abort is remapped and _initialize exported", async () => {
    const r = checkModule(await compile({ exportStart: "_initialize", use: ["abort="] }));
    expect(r.findings).toEqual([]);
    expect(r.callbacks).toEqual([{ group: "HTTP", callbacks: ["proxy_on_request_headers"] }]);
  });
});
