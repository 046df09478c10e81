import { describe, expect, it } from "vitest";
import { Host } from "../../host/index.js";
import { savedText, slot, wat } from "./wat.js";

const configure = (code: string) =>
  `(func (export "proxy_on_configure") (param $root i32) (param i32) (result i32) ${code} (i32.const 1))`;

describe("metrics", () => {
  it("define, increment, record, get; counters cannot go down, histograms cannot be read", async () => {
    const host = new Host();
    const vm = await host.loadVm(
      wat(
        configure(`
        (call $rec (i32.const 0) (call $proxy_define_metric (i32.const 0) @c (i32.const 0x300)))
        (call $rec (i32.const 1) (call $proxy_define_metric (i32.const 1) @g (i32.const 0x304)))
        (call $rec (i32.const 2) (call $proxy_define_metric (i32.const 2) @h (i32.const 0x308)))
        (call $rec (i32.const 3) (call $proxy_define_metric (i32.const 3) @c (i32.const 0x30c)))
        (drop (call $proxy_increment_metric (i32.load (i32.const 0x300)) (i64.const 5)))
        (call $rec (i32.const 4) (call $proxy_increment_metric (i32.load (i32.const 0x300)) (i64.const -1)))
        (drop (call $proxy_record_metric (i32.load (i32.const 0x304)) (i64.const 42)))
        (drop (call $proxy_increment_metric (i32.load (i32.const 0x304)) (i64.const -2)))
        (drop (call $proxy_record_metric (i32.load (i32.const 0x308)) (i64.const 7)))
        (drop (call $proxy_record_metric (i32.load (i32.const 0x308)) (i64.const 9)))
        (call $rec (i32.const 5) (call $proxy_get_metric (i32.load (i32.const 0x300)) (i32.const 0x310)))
        (call $rec (i32.const 6) (i32.load (i32.const 0x310)))
        (call $rec (i32.const 7) (call $proxy_get_metric (i32.load (i32.const 0x308)) (i32.const 0x310)))
        (call $rec (i32.const 8) (call $proxy_get_metric (i32.const 999) (i32.const 0x310)))`),
        { c: "requests_total", g: "in_flight", h: "latency_ms" },
      ),
    );
    vm.startPlugin();
    expect([slot(vm, 0), slot(vm, 1), slot(vm, 2), slot(vm, 3), slot(vm, 4)]).toEqual([0, 0, 0, 2, 2]);
    expect([slot(vm, 5), slot(vm, 6), slot(vm, 7), slot(vm, 8)]).toEqual([0, 5, 2, 1]);
    expect(host.metrics.get("requests_total")).toMatchObject({ type: "counter", value: 5n });
    expect(host.metrics.get("in_flight")).toMatchObject({ type: "gauge", value: 40n });
    expect(host.metrics.get("latency_ms")).toMatchObject({ type: "histogram", values: [7n, 9n] });
    expect(host.metrics.list().map((m) => m.name)).toEqual(["requests_total", "in_flight", "latency_ms"]);
  });
});

describe("properties", () => {
  it("encodes strings raw, ints as 8-byte LE, bools as 1 byte, maps as pairs; streams derive request.*", async () => {
    const host = new Host();
    host.setProperty(["node", "id"], "node-1");
    host.setProperty(["connection", "mtls"], true);
    host.setProperty("upstream.port", 8080n);
    host.setProperty(["node", "metadata"], { region: "eu" });
    const vm = await host.loadVm(
      wat(
        `(func $get (param $slot i32) (param $p i32) (param $n i32)
          (call $rec (local.get $slot) (call $proxy_get_property (local.get $p) (local.get $n) (i32.const 0x100) (i32.const 0x104)))
          (call $save (local.get $slot)))
        (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
          (call $get (i32.const 0) @node_id)
          (call $get (i32.const 1) @mtls)
          (call $get (i32.const 2) @port)
          (call $get (i32.const 3) @region)
          (call $get (i32.const 4) @path)
          (call $get (i32.const 5) @root)
          (call $get (i32.const 6) @missing)
          (call $rec (i32.const 7) (call $proxy_set_property @custom @node_id))
          (call $get (i32.const 8) @custom)
          (i32.const 0))`,
        {
          node_id: "node\0id",
          mtls: "connection\0mtls",
          port: "upstream\0port",
          region: "node\0metadata\0region",
          path: "request\0path",
          root: "plugin_root_id",
          missing: "no\0such",
          custom: "my\0prop",
        },
      ),
    );
    const s = vm.startPlugin({ rootId: "rid" }).newHttpStream();
    s.requestHeaders([[":path", "/x?y=1"]]);
    const { saved } = await import("./wat.js");
    expect(savedText(vm, 0)).toBe("node-1");
    expect([...saved(vm, 1)]).toEqual([1]);
    expect([...saved(vm, 2)]).toEqual([0x90, 0x1f, 0, 0, 0, 0, 0, 0]);
    expect(savedText(vm, 3)).toBe("eu");
    expect(savedText(vm, 4)).toBe("/x?y=1");
    expect(savedText(vm, 5)).toBe("rid");
    expect(slot(vm, 6)).toBe(1);
    expect(slot(vm, 7)).toBe(0);
    expect(savedText(vm, 8)).toBe("node\0id"); // set by the filter, read back on the same stream
  });
});

describe("ticks and logs", () => {
  it("advanceTime fires ticks only for plugin contexts that set a period, in time order", async () => {
    const host = new Host({ now: 1_000_000_000n });
    const vm = await host.loadVm(
      wat(
        `(global $ticks (mut i32) (i32.const 0))
        (func (export "proxy_on_configure") (param $root i32) (param $size i32) (result i32)
          (if (local.get $size) (then (drop (call $proxy_set_tick_period_milliseconds (i32.const 30)))))
          (i32.const 1))
        (func (export "proxy_on_tick") (param $root i32)
          (drop (call $proxy_get_current_time_nanoseconds (i32.const 0x110)))
          (call $rec (global.get $ticks) (local.get $root))
          (call $rec (i32.add (global.get $ticks) (i32.const 20)) (i32.wrap_i64 (i64.div_u (i64.load (i32.const 0x110)) (i64.const 1000000))))
          (global.set $ticks (i32.add (global.get $ticks) (i32.const 1)))
          (drop (call $proxy_log (i32.const 1) @tick)))`,
        { tick: "tick" },
      ),
    );
    const ticking = vm.startPlugin({ configuration: "on" });
    const silent = vm.startPlugin();
    host.advanceTime(100);
    expect([slot(vm, 0), slot(vm, 1), slot(vm, 2), slot(vm, 3)]).toEqual([ticking.id, ticking.id, ticking.id, 0]);
    expect([slot(vm, 20), slot(vm, 21), slot(vm, 22)]).toEqual([1030, 1060, 1090]);
    expect(host.logsAt("debug")).toEqual(["tick", "tick", "tick"]);
    expect(host.logs[0]).toEqual({ level: "debug", message: "tick", contextId: ticking.id, vmId: "" });
    expect(() => silent.tick()).toThrow(/never set a tick period/);
    expect(host.now).toBe(1_100_000_000n);
  });

  it("drops logs below the host level and reports that level; lean mode records nothing", async () => {
    const m = wat(
      `(func (export "proxy_on_vm_start") (param i32 i32) (result i32)
        (drop (call $proxy_log (i32.const 1) @d)) (drop (call $proxy_log (i32.const 3) @w))
        (call $rec (i32.const 0) (call $proxy_get_log_level (i32.const 0x108)))
        (call $rec (i32.const 1) (i32.load (i32.const 0x108)))
        (i32.const 1))`,
      { d: "debug line", w: "warn line" },
    );
    const host = new Host({ logLevel: "info" });
    const vm = await host.loadVm(m);
    vm.startPlugin();
    expect(host.logs.map((l) => l.message)).toEqual(["warn line"]);
    expect(slot(vm, 1)).toBe(2);
    const lean = new Host({ record: false });
    (await lean.loadVm(m)).startPlugin();
    expect(lean.logs).toEqual([]);
  });
});

describe("foreign functions", () => {
  it("the module calls a registered JS function; the host can call proxy_on_foreign_function", async () => {
    const host = new Host();
    host.registerForeignFunction("reverse", (args) => Uint8Array.from(args).reverse());
    const vm = await host.loadVm(
      wat(
        `(func (export "proxy_on_tick") (param i32)
          (call $rec (i32.const 0) (call $proxy_call_foreign_function @name @arg (i32.const 0x100) (i32.const 0x104)))
          (call $save (i32.const 0))
          (call $rec (i32.const 1) (call $proxy_call_foreign_function @nope @arg (i32.const 0x100) (i32.const 0x104))))
        (func (export "proxy_on_configure") (param i32 i32) (result i32) (drop (call $proxy_set_tick_period_milliseconds (i32.const 1))) (i32.const 1))
        (func (export "proxy_on_foreign_function") (param $root i32) (param $fid i32) (param $size i32)
          (call $rec (i32.const 2) (local.get $fid))
          (drop (call $proxy_get_buffer_bytes (i32.const 8) (i32.const 0) (local.get $size) (i32.const 0x100) (i32.const 0x104)))
          (call $save (i32.const 1)))`,
        { name: "reverse", nope: "missing", arg: "abc" },
      ),
    );
    const p = vm.startPlugin();
    p.tick();
    expect(slot(vm, 0)).toBe(0);
    expect(savedText(vm, 0)).toBe("cba");
    expect(slot(vm, 1)).toBe(1);
    p.callForeignFunction(7, "args!");
    expect(slot(vm, 2)).toBe(7);
    expect(savedText(vm, 1)).toBe("args!");
  });
});
