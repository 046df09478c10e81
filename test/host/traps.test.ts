import { describe, expect, it } from "vitest";
import { Host, LoopLimitError, WasmTrapError } from "../../host/index.js";
import { wat } from "./wat.js";

describe("traps and limits", () => {
  it("a trap names the callback and carries the filter's last critical log line; the VM is then failed", async () => {
    const host = new Host();
    const vm = await host.loadVm(
      wat(
        `(func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
          (drop (call $proxy_log (i32.const 5) @abort))
          unreachable)`,
        { abort: "abort: index out of range in assembly/index.ts(12:5)" },
      ),
    );
    const plugin = vm.startPlugin();
    const s = plugin.newHttpStream();
    const err = (() => {
      try {
        s.requestHeaders([[":path", "/"]]);
      } catch (e) {
        return e as WasmTrapError;
      }
    })();
    expect(err).toBeInstanceOf(WasmTrapError);
    expect(err!.callback).toBe("proxy_on_request_headers");
    expect(err!.abortMessage).toBe("abort: index out of range in assembly/index.ts(12:5)");
    expect(err!.message).toMatch(/proxy_on_request_headers\(.*\).*unreachable.*index out of range/);
    expect(() => plugin.newHttpStream()).toThrow(/failed earlier/);
  });

  it("a module that allocates without end fails cleanly at the memory limit", async () => {
    const host = new Host({ memoryLimitBytes: 4 * 1024 * 1024 });
    const vm = await host.loadVm(
      wat(
        `(func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
          (loop $more
            (if (i32.eqz (call $malloc (i32.const 65536)))
              (then (drop (call $proxy_log (i32.const 5) @oom)) unreachable))
            (br $more))
          (i32.const 0))`,
        { oom: "out of memory" },
      ),
    );
    const s = vm.startPlugin().newHttpStream();
    expect(() => s.requestHeaders([])).toThrow(/out of memory/);
    expect(vm.memoryBytes).toBe(4 * 1024 * 1024);
  });

  it("rejects a module whose initial memory exceeds the limit", async () => {
    const big = wat("").slice();
    await expect(new Host({ memoryLimitBytes: 65536 }).loadVm(big)).rejects.toThrow(/exceeds the host's limit/);
  });
});

describe("a filter that loops forever", () => {
  it("fails with LoopLimitError when the host bounds callbacks, instead of hanging the test", async () => {
    const host = new Host({ loopLimit: 100_000 });
    const vm = await host.loadVm(
      wat(`
      (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
        (loop $forever (br $forever))
        (i32.const 0))`),
    );
    const stream = vm.startPlugin().newHttpStream();
    let error: unknown;
    try {
      stream.requestHeaders([[":path", "/"]]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WasmTrapError);
    expect((error as WasmTrapError).cause).toBeInstanceOf(LoopLimitError);
    expect((error as Error).message).toMatch(/proxy_on_request_headers/);
  });

  it("bounds each callback on its own, so a bounded filter runs normally", async () => {
    const host = new Host({ loopLimit: 3_000 });
    const vm = await host.loadVm(
      wat(`
      (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
        (local $i i32)
        (loop $count (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $count (i32.lt_u (local.get $i) (i32.const 1000))))
        (i32.const 0))`),
    );
    const plugin = vm.startPlugin();
    // 1,000 iterations per callback, 5 callbacks: the budget is per callback, not cumulative.
    for (let i = 0; i < 5; i++) expect(plugin.newHttpStream().requestHeaders([[":path", "/"]])).toBe(0);
  });
});

describe("an SDK-built filter under a loop limit", () => {
  it("runs unchanged when instrumented", async () => {
    const { readFileSync } = await import("node:fs");
    const host = new Host({ loopLimit: 1_000_000 });
    const vm = await host.loadVm(readFileSync(new URL("../build/add-header.wasm", import.meta.url)));
    const stream = vm.startPlugin().newHttpStream();
    stream.requestHeaders([[":path", "/"]], { endOfStream: true });
    stream.responseHeaders([[":status", "200"]], { endOfStream: true });
    expect(stream.responseHeadersMap).toContainEqual(["x-filter", "proxy-wasm-as"]);
  });
});
