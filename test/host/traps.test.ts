import { describe, expect, it } from "vitest";
import { Host, WasmTrapError } from "../../host/index.js";
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
