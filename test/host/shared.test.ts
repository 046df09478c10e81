import { describe, expect, it } from "vitest";
import { Host } from "../../host/index.js";
import { savedText, slot, wat } from "./wat.js";

describe("shared data", () => {
  const m = wat(
    `(func (export "proxy_on_tick") (param i32)
      (call $rec (i32.const 0) (call $proxy_set_shared_data @k @v1 (i32.const 0)))
      (call $rec (i32.const 1) (call $proxy_get_shared_data @k (i32.const 0x100) (i32.const 0x104) (i32.const 0x108)))
      (call $rec (i32.const 2) (i32.load (i32.const 0x108)))
      (call $rec (i32.const 3) (call $proxy_set_shared_data @k @v2 (i32.add (i32.load (i32.const 0x108)) (i32.const 1))))
      (call $rec (i32.const 4) (call $proxy_set_shared_data @k @v2 (i32.load (i32.const 0x108))))
      (call $rec (i32.const 5) (call $proxy_set_shared_data @e (i32.const 0) (i32.const 0) (i32.const 0)))
      (call $rec (i32.const 6) (call $proxy_get_shared_data @e (i32.const 0x100) (i32.const 0x104) (i32.const 0x10c)))
      (call $rec (i32.const 7) (i32.load (i32.const 0x104)))
      (call $rec (i32.const 8) (i32.load (i32.const 0x10c)))
      (call $rec (i32.const 9) (call $proxy_get_shared_data @missing (i32.const 0x100) (i32.const 0x104) (i32.const 0x10c))))
    (func (export "proxy_on_configure") (param i32 i32) (result i32) (drop (call $proxy_set_tick_period_milliseconds (i32.const 1))) (i32.const 1))`,
    { k: "key", v1: "one", v2: "two", e: "empty", missing: "nope" },
  );

  it("compare-and-swap, empty values, NOT_FOUND; namespaced by VM id", async () => {
    const host = new Host();
    const vm = await host.loadVm(m, { vmId: "a" });
    vm.startPlugin().tick();
    expect([slot(vm, 0), slot(vm, 1), slot(vm, 3), slot(vm, 4)]).toEqual([0, 0, 8, 0]);
    expect(slot(vm, 2)).not.toBe(0);
    expect([slot(vm, 5), slot(vm, 6), slot(vm, 7), slot(vm, 9)]).toEqual([0, 0, 0, 1]);
    expect(slot(vm, 8)).not.toBe(0);
    expect(host.sharedData.get("key", "a")?.text).toBe("two");
    expect(host.sharedData.get("key")).toBeUndefined();
    const cas = host.sharedData.get("key", "a")!.cas;
    expect(host.sharedData.set("key", "x", { vmId: "a", cas: cas + 1 })).toBe(8);
    expect(host.sharedData.set("key", "x", { vmId: "a", cas })).toBe(0);
  });
});

describe("shared queues", () => {
  // VM "recv" registers the queue; VM "send" (same vm id) resolves it with an empty vm id and
  // enqueues; on_queue_ready must reach the registering plugin context.
  const receiver = wat(
    `(func (export "proxy_on_configure") (param $root i32) (param i32) (result i32)
      (call $rec (i32.const 0) (call $proxy_register_shared_queue @q (i32.const 0x108)))
      (call $rec (i32.const 1) (i32.load (i32.const 0x108)))
      (i32.const 1))
    (func (export "proxy_on_queue_ready") (param $root i32) (param $token i32)
      (call $rec (i32.const 2) (local.get $root))
      (call $rec (i32.const 3) (local.get $token))
      (call $rec (i32.const 4) (call $proxy_dequeue_shared_queue (local.get $token) (i32.const 0x100) (i32.const 0x104)))
      (call $save (i32.const 0))
      (call $rec (i32.const 5) (call $proxy_dequeue_shared_queue (local.get $token) (i32.const 0x100) (i32.const 0x104))))`,
    { q: "jobs" },
  );
  const sender = wat(
    `(func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
      (call $rec (i32.const 0) (call $proxy_resolve_shared_queue (i32.const 0) (i32.const 0) @q (i32.const 0x108)))
      (call $rec (i32.const 1) (call $proxy_enqueue_shared_queue (i32.load (i32.const 0x108)) @item))
      (call $rec (i32.const 2) (call $proxy_resolve_shared_queue @other @q (i32.const 0x10c)))
      (call $rec (i32.const 3) (call $proxy_enqueue_shared_queue (i32.const 987654) @item))
      (i32.const 0))`,
    { q: "jobs", item: "job-1", other: "other-vm" },
  );

  // cpp-host src/shared_queue.cc SharedQueue::registerQueue: registering an existing name keeps
  // the token and the items and overwrites the queue's context id (the newest registrant owns it).
  it("on_queue_ready goes to the plugin context that registered last, across VMs", async () => {
    const host = new Host();
    const rvm = await host.loadVm(receiver, { vmId: "shared" });
    rvm.startPlugin({ rootId: "first" });
    const owner = rvm.startPlugin({ rootId: "second" }); // re-registers: same queue, now its owner
    const svm = await host.loadVm(sender, { vmId: "shared" });
    svm.startPlugin().newHttpStream().requestHeaders([]);
    expect([slot(svm, 0), slot(svm, 1), slot(svm, 2), slot(svm, 3)]).toEqual([0, 0, 1, 1]);
    expect(slot(rvm, 2)).toBe(owner.id);
    expect(owner.id).not.toBe(rvm.plugins[0].id);
    expect(slot(rvm, 3)).toBe(slot(rvm, 1));
    expect(slot(rvm, 4)).toBe(0);
    expect(savedText(rvm, 0)).toBe("job-1");
    expect(slot(rvm, 5)).toBe(7); // EMPTY
  });

  it("the test can enqueue, inspect and dequeue by name", async () => {
    const host = new Host();
    const vm = await host.loadVm(receiver);
    vm.startPlugin();
    expect(host.queues.enqueue("jobs", "from-test")).toBe(0);
    expect(savedText(vm, 0)).toBe("from-test");
    expect(host.queues.enqueue("nope", "x")).toBe(1);
    expect(host.queues.inspect("jobs")?.items).toEqual([]);
  });
});
