import { describe, expect, it } from "vitest";
import { Host } from "../../host/index.js";
import { savedText, wat } from "./wat.js";

// Every callback logs "<name> <args>" by storing its args: simpler to log a fixed tag per callback
// and check order, plus record the numeric args in memory slots.
const trace = (name: string, params: string[], result?: string) => {
  const p = params.map((x) => `(param $${x} i32)`).join(" ");
  const r = result ? `(result i32)` : "";
  const stores = params
    .map((x, i) => `(call $rec (i32.add (i32.mul (global.get $n) (i32.const 4)) (i32.const ${i})) (local.get $${x}))`)
    .join(" ");
  return `(func (export "${name}") ${p} ${r}
    (drop (call $proxy_log (i32.const 2) @${name}))
    ${stores}
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    ${result ?? ""})`;
};

const names = [
  "proxy_on_context_create",
  "proxy_on_vm_start",
  "proxy_on_configure",
  "proxy_on_done",
  "proxy_on_log",
  "proxy_on_delete",
  "proxy_on_request_headers",
];
const strings = Object.fromEntries(names.map((n) => [n, n]));

function lifecycleModule(configureResult: number) {
  return wat(
    `(global $n (mut i32) (i32.const 0))
    ${trace("proxy_on_context_create", ["id", "parent"])}
    (func (export "proxy_on_vm_start") (param $id i32) (param $size i32) (result i32)
      (drop (call $proxy_log (i32.const 2) @proxy_on_vm_start))
      (drop (call $proxy_get_buffer_bytes (i32.const 6) (i32.const 0) (local.get $size) (i32.const 0x100) (i32.const 0x104)))
      (call $save (i32.const 0))
      (i32.const 1))
    (func (export "proxy_on_configure") (param $id i32) (param $size i32) (result i32)
      (drop (call $proxy_log (i32.const 2) @proxy_on_configure))
      (drop (call $proxy_get_buffer_bytes (i32.const 7) (i32.const 0) (local.get $size) (i32.const 0x100) (i32.const 0x104)))
      (call $save (i32.const 1))
      (i32.const ${configureResult}))
    ${trace("proxy_on_done", ["id"], "(i32.const 1)")}
    ${trace("proxy_on_log", ["id"])}
    ${trace("proxy_on_delete", ["id"])}
    ${trace("proxy_on_request_headers", ["id", "n", "eos"], "(i32.const 0)")}`,
    strings,
  );
}

describe("context lifecycle", () => {
  // Envoy's ConnectionManagerImpl::doDeferredStreamDestroy runs the access log (proxy_on_log)
  // before destroying the filters (Context::onDestroy: proxy_on_done, proxy_on_delete).
  it("creates the plugin context, starts the VM, configures it; streams get create/log/done/delete", async () => {
    const host = new Host();
    const vm = await host.loadVm(lifecycleModule(1), { vmConfiguration: "vm-config" });
    const plugin = vm.startPlugin({ rootId: "my_root", configuration: '{"a":1}' });
    expect(plugin.vmStarted).toBe(true);
    expect(plugin.configured).toBe(true);
    expect(savedText(vm, 0)).toBe("vm-config");
    expect(savedText(vm, 1)).toBe('{"a":1}');
    const s = plugin.newHttpStream();
    expect(s.requestHeaders([[":method", "GET"]], { endOfStream: true })).toBe(0);
    s.complete();
    expect(host.logsAt("info")).toEqual([
      "proxy_on_context_create",
      "proxy_on_vm_start",
      "proxy_on_configure",
      "proxy_on_context_create",
      "proxy_on_request_headers",
      "proxy_on_log",
      "proxy_on_done",
      "proxy_on_delete",
    ]);
    expect(s.id).not.toBe(plugin.id);
    expect(() => s.requestBody("late")).toThrow(/already complete/);
  });

  // cpp-host src/wasm.cc getOrCreateThreadLocalPlugin: a failed configure returns no plugin
  // handle but leaves the root context in the VM (no on_done/on_delete) until the VM goes.
  it("keeps a plugin whose on_configure returned false, without a filter, until shut down", async () => {
    const host = new Host();
    const vm = await host.loadVm(lifecycleModule(0));
    const plugin = vm.startPlugin();
    expect(plugin.configured).toBe(false);
    expect(plugin.deleted).toBe(false);
    expect(host.logsAt("info")).not.toContain("proxy_on_done");
    expect(() => plugin.newHttpStream()).toThrow(/returned false/);
    expect(plugin.shutdown()).toBe(true);
    expect(host.logsAt("info").slice(-2)).toEqual(["proxy_on_done", "proxy_on_delete"]);
  });

  it("gives each plugin context of a VM its own configuration", async () => {
    const vm = await new Host().loadVm(lifecycleModule(1));
    vm.startPlugin({ rootId: "a", configuration: "first" });
    expect(savedText(vm, 1)).toBe("first");
    const b = vm.startPlugin({ rootId: "b", configuration: "second" });
    expect(savedText(vm, 1)).toBe("second");
    expect(b.rootId).toBe("b");
  });

  it("PLUGIN_CONFIGURATION is only readable while configuring (NOT_FOUND later)", async () => {
    const vm = await new Host().loadVm(
      wat(`(func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
        (call $rec (i32.const 0) (call $proxy_get_buffer_bytes (i32.const 7) (i32.const 0) (i32.const 10) (i32.const 0x100) (i32.const 0x104)))
        (call $rec (i32.const 1) (call $proxy_get_buffer_bytes (i32.const 9) (i32.const 0) (i32.const 10) (i32.const 0x100) (i32.const 0x104)))
        (i32.const 0))`),
    );
    const s = vm.startPlugin({ configuration: "x" }).newHttpStream();
    s.requestHeaders([]);
    const { slot } = await import("./wat.js");
    expect(slot(vm, 0)).toBe(1); // NOT_FOUND
    expect(slot(vm, 1)).toBe(2); // BAD_ARGUMENT: unknown buffer type
  });

  it("plugin shutdown: on_done false postpones on_delete until proxy_done", async () => {
    const host = new Host();
    const vm = await host.loadVm(
      wat(
        `(func (export "proxy_on_done") (param i32) (result i32) ${"(drop (call $proxy_log (i32.const 2) @d))"} (i32.const 0))
        (func (export "proxy_on_delete") (param i32) (drop (call $proxy_log (i32.const 2) @x)))
        (func (export "proxy_on_tick") (param i32) (call $rec (i32.const 0) (call $proxy_done)))
        (func (export "proxy_on_configure") (param i32 i32) (result i32) (drop (call $proxy_set_tick_period_milliseconds (i32.const 10))) (i32.const 1))`,
        { d: "done", x: "deleted" },
      ),
    );
    const p = vm.startPlugin();
    expect(p.shutdown()).toBe(false);
    expect(host.logsAt("info")).toEqual(["done"]);
    expect(p.deleted).toBe(false);
    // The plugin can still tick while pending; proxy_done then finishes it.
    host.advanceTime(10);
    expect(host.logsAt("info")).toEqual(["done", "deleted"]);
    expect(p.deleted).toBe(true);
  });
});
