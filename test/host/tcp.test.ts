import { describe, expect, it } from "vitest";
import { Host } from "../../host/index.js";
import { slot, wat } from "./wat.js";

describe("TCP streams", () => {
  const m = wat(
    `(global $n (mut i32) (i32.const 0))
    (func $mark (param $what i32) (call $rec (global.get $n) (local.get $what)) (global.set $n (i32.add (global.get $n) (i32.const 1))))
    (func (export "proxy_on_new_connection") (param i32) (result i32) (call $mark (i32.const 1)) (i32.const 0))
    (func (export "proxy_on_downstream_data") (param $id i32) (param $size i32) (param $eos i32) (result i32)
      (call $mark (i32.add (i32.const 100) (local.get $size)))
      ;; hold data until 5 bytes arrived, then prefix it and let it through
      (if (i32.lt_u (local.get $size) (i32.const 5)) (then (return (i32.const 1))))
      (drop (call $proxy_set_buffer_bytes (i32.const 2) (i32.const 0) (i32.const 0) @pre))
      (i32.const 0))
    (func (export "proxy_on_upstream_data") (param $id i32) (param $size i32) (param $eos i32) (result i32)
      (call $mark (i32.add (i32.const 200) (local.get $size)))
      (drop (call $proxy_set_buffer_bytes (i32.const 3) (i32.const -1) (i32.const 0) @post))
      (i32.const 0))
    (func (export "proxy_on_downstream_connection_close") (param i32) (param $peer i32) (call $mark (i32.add (i32.const 300) (local.get $peer))))
    (func (export "proxy_on_upstream_connection_close") (param i32) (param $peer i32) (call $mark (i32.add (i32.const 400) (local.get $peer))))
    (func (export "proxy_on_done") (param i32) (result i32) (call $mark (i32.const 2)) (i32.const 1))
    (func (export "proxy_on_log") (param i32) (call $mark (i32.const 3)))
    (func (export "proxy_on_delete") (param i32) (call $mark (i32.const 4)))`,
    { pre: ">", post: "<" },
  );

  // Envoy context.cc: onUpstreamConnectionClose ends the context only after the downstream
  // closed; onDownstreamConnectionClose ends it (onCloseTCP: done, log, delete) at once.
  it("new connection, cumulative data while paused, changes applied, the downstream close ends the context", async () => {
    const vm = await new Host().loadVm(m);
    const c = vm.startPlugin().newTcpStream();
    expect(() => c.downstreamData("x")).toThrow(/newConnection/);
    expect(c.newConnection()).toBe(0);
    expect(c.downstreamData("ab")).toBe(1);
    expect(c.downstreamPaused).toBe(true);
    expect(c.downstreamData("cde")).toBe(0);
    expect(c.downstreamDataText).toBe(">abcde");
    expect(c.upstreamData("ok")).toBe(0);
    expect(c.upstreamDataText).toBe("ok<");
    c.upstreamClose("local");
    expect(c.completed).toBe(false); // an upstream close first: the context lives on
    c.downstreamClose("remote");
    expect(c.completed).toBe(true);
    const marks = Array.from({ length: 10 }, (_, i) => slot(vm, i));
    expect(marks).toEqual([1, 102, 105, 202, 401, 302, 2, 3, 4, 0]);
    expect(c.downstreamData("more")).toBeNull(); // the filter is gone: nothing delivered
  });
});
