import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ENV_IMPORTS, WASI_IMPORTS } from "../../host/wasm/abi-table.js";
import { Host, WasmTrapError } from "../../host/index.js";
import { logInfo, slot, wat } from "./wat.js";

describe("loading a module", () => {
  it("links exactly the ABI v0.2.1 table (env + WASI)", () => {
    const abi = JSON.parse(readFileSync(new URL("../../abi/v0.2.1.json", import.meta.url), "utf8"));
    const sig = (f: { params: string[]; results: string[] }) =>
      `${f.params.map((p: string) => (p === "i64" ? "I" : "i")).join("")}:${f.results.map((p: string) => (p === "i64" ? "I" : "i")).join("")}`;
    const env: Record<string, string> = {},
      wasi: Record<string, string> = {};
    for (const f of abi.functions.filter((f: { role: string }) => f.role === "import")) {
      (f.module === "env" ? env : wasi)[f.name] = sig(f);
    }
    expect(ENV_IMPORTS).toEqual(env);
    expect(WASI_IMPORTS).toEqual(wasi);
  });

  it("refuses a module importing what the host lacks, naming every missing import", async () => {
    const bytes = wat(
      "",
      {},
      {
        extraImports: `(import "env" "abort" (func (param i32 i32 i32 i32)))
                     (import "env" "seed" (func (result f64)))`,
      },
    );
    await expect(new Host().loadVm(bytes)).rejects.toThrow(/env\.abort[\s\S]*env\.seed/);
  });

  it("refuses a host function imported with the wrong signature", async () => {
    const bytes = wat(
      "",
      {},
      { extraImports: `(import "wasi_snapshot_preview1" "fd_write" (func (param i32) (result i32)))` },
    );
    await expect(new Host().loadVm(bytes)).rejects.toThrow(/wasi_snapshot_preview1\.fd_write has signature/);
  });

  it("refuses a module without the ABI marker or without an allocator", async () => {
    await expect(new Host().loadVm(wat("", {}, { noMarker: true }))).rejects.toThrow(/proxy_abi_version_0_2_1/);
    await expect(new Host().loadVm(wat("", {}, { noMalloc: true }))).rejects.toThrow(/malloc/);
  });

  it("offers WASI under wasi_unstable too, and fd_write becomes logs (stdout info, stderr error)", async () => {
    const bytes = wat(
      `(func (export "_initialize")
         (i32.store (i32.const 0x300) #out) (i32.store (i32.const 0x304) (i32.const 6))
         (drop (call $w (i32.const 1) (i32.const 0x300) (i32.const 1) (i32.const 0x310)))
         (i32.store (i32.const 0x300) #err) (i32.store (i32.const 0x304) (i32.const 4))
         (drop (call $w (i32.const 2) (i32.const 0x300) (i32.const 1) (i32.const 0x310)))
         (call $rec (i32.const 0) (call $w (i32.const 7) (i32.const 0x300) (i32.const 1) (i32.const 0x310))))`,
      { out: "hello\n", err: "oops" },
      { extraImports: `(import "wasi_unstable" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))` },
    );
    const host = new Host();
    const vm = await host.loadVm(bytes);
    expect(host.logs).toEqual([
      { level: "info", message: "hello", contextId: 0, vmId: "" },
      { level: "error", message: "oops", contextId: 0, vmId: "" },
    ]);
    expect(slot(vm, 0)).toBe(8); // BADF for an unknown fd
  });

  it("runs _initialize then main; only proxy_log and WASI are allowed there", async () => {
    const ok = wat(
      `(func (export "_initialize") ${logInfo("a")}) (func (export "main") (param i32 i32) (result i32) ${logInfo("b")} (i32.const 0))`,
      { a: "init", b: "main" },
    );
    const host = new Host();
    await host.loadVm(ok);
    expect(host.logsAt("info")).toEqual(["init", "main"]);

    const bad = wat(`(func (export "_initialize") (drop (call $proxy_set_tick_period_milliseconds (i32.const 5))))`);
    const err = await new Host().loadVm(bad).catch((e) => e);
    expect(err).toBeInstanceOf(WasmTrapError);
    expect(err.message).toMatch(/_initialize.*restricted_callback: env\.proxy_set_tick_period_milliseconds/);
  });

  it("runs _start when there is no _initialize", async () => {
    const host = new Host();
    await host.loadVm(wat(`(func (export "_start") ${logInfo("s")})`, { s: "started" }));
    expect(host.logsAt("info")).toEqual(["started"]);
  });

  it("allocates with malloc first, proxy_on_memory_allocate only without it", async () => {
    // Both exported: malloc (the prelude's bump allocator) must be used, the other traps.
    const body = `(func (export "proxy_on_memory_allocate") (param i32) (result i32) unreachable)
      (func (export "proxy_on_vm_start") (param i32 i32) (result i32)
        (call $rec (i32.const 0) (call $proxy_get_buffer_bytes (i32.const 6) (i32.const 0) (i32.const 99) (i32.const 0x100) (i32.const 0x104)))
        (i32.const 1))`;
    const vm = await new Host().loadVm(wat(body), { vmConfiguration: "cfg" });
    vm.startPlugin();
    expect(slot(vm, 0)).toBe(0);

    const only = wat(
      `(func (export "proxy_on_memory_allocate") (param $n i32) (result i32) (call $malloc (local.get $n)))
      (func (export "proxy_on_vm_start") (param i32 i32) (result i32)
        (call $rec (i32.const 0) (call $proxy_get_buffer_bytes (i32.const 6) (i32.const 0) (i32.const 99) (i32.const 0x100) (i32.const 0x104)))
        (i32.const 1))`,
      {},
      { noMalloc: true },
    );
    const vm2 = await new Host().loadVm(only, { vmConfiguration: "cfg" });
    vm2.startPlugin();
    expect(slot(vm2, 0)).toBe(0);
  });

  it("accepts a file path and reports linear memory size", async () => {
    const { writeFileSync, mkdtempSync } = await import("node:fs");
    const dir = mkdtempSync(`${(await import("node:os")).tmpdir()}/pwas-`);
    writeFileSync(`${dir}/m.wasm`, wat(""));
    const vm = await new Host().loadVm(`${dir}/m.wasm`);
    expect(vm.memoryBytes).toBe(2 * 65536);
  });
});
