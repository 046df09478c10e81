// Where the emulator once differed from Envoy and proxy-wasm-cpp-host (issue 15): each test
// names the Envoy / cpp-host source it follows. Envoy's Wasm context is
// source/extensions/common/wasm/context.cc (below "context.cc"); its filter manager
// source/common/http/filter_manager.cc.
import { describe, expect, it } from "vitest";
import { Host, Status } from "../../host/index.js";
import { savedText, slot, wat } from "./wat.js";

const GET: [string, string][] = [
  [":method", "GET"],
  [":path", "/"],
  [":authority", "a.test"],
];

async function load(body: string, strings: Record<string, string> = {}, host = new Host()) {
  const vm = await host.loadVm(wat(body, strings));
  return { host, vm };
}

describe("TCP connections (context.cc onDownstreamConnectionClose, onUpstreamConnectionClose, onWrite)", () => {
  const counter = `(global $up (mut i32) (i32.const 0))
    (func (export "proxy_on_upstream_data") (param i32) (param $size i32) (param $eos i32) (result i32)
      (global.set $up (i32.add (global.get $up) (local.get $size))) (call $rec (i32.const 0) (global.get $up)) (i32.const 0))
    (func (export "proxy_on_upstream_connection_close") (param i32) (param $peer i32)
      (call $rec (i32.const 1) (i32.add (i32.const 100) (local.get $peer))))
    (func (export "proxy_on_delete") (param i32) (call $rec (i32.const 2) (i32.const 1)))`;

  it("the downstream close ends the context; upstream bytes after it never reach the filter", async () => {
    const { vm } = await load(counter);
    const c = vm.startPlugin().newTcpStream();
    c.newConnection();
    expect(c.upstreamData("abc")).toBe(0);
    c.downstreamClose("remote");
    expect(c.completed).toBe(true);
    expect(slot(vm, 2)).toBe(1);
    expect(c.upstreamData("defg")).toBeNull();
    c.upstreamClose("remote"); // ignored: the context is gone
    expect(slot(vm, 0)).toBe(3);
    expect(slot(vm, 1)).toBe(0);
  });

  it("upstream data with end of stream is followed by proxy_on_upstream_connection_close(UNKNOWN)", async () => {
    const { vm } = await load(counter);
    const c = vm.startPlugin().newTcpStream();
    c.newConnection();
    c.upstreamData("ab", true);
    expect(slot(vm, 1)).toBe(100); // peer type 0: unknown
    expect(c.upstreamClosed).toBe(true);
    expect(c.completed).toBe(false); // lives on until the downstream closes
  });

  it("proxy_continue_stream(UPSTREAM) is UNIMPLEMENTED; proxy_close_stream(DOWNSTREAM) ends the context", async () => {
    const { vm } = await load(`
      (func (export "proxy_on_downstream_data") (param i32 i32 i32) (result i32)
        (call $rec (i32.const 3) (call $proxy_continue_stream (i32.const 3)))
        (call $rec (i32.const 4) (call $proxy_close_stream (i32.const 2)))
        (i32.const 0))
      (func (export "proxy_on_downstream_connection_close") (param i32) (param $peer i32) (call $rec (i32.const 5) (local.get $peer)))`);
    const c = vm.startPlugin().newTcpStream();
    c.newConnection();
    c.downstreamData("x");
    expect([slot(vm, 3), slot(vm, 4), slot(vm, 5)]).toEqual([Status.UNIMPLEMENTED, 0, 1]); // closed locally
    expect(c.completed).toBe(true);
  });
});

describe("plugins and shared queues (cpp-host src/wasm.cc, src/shared_queue.cc)", () => {
  it("a plugin whose configure fails stays (no on_done/on_delete) while its VM's other plugins serve", async () => {
    const { vm } = await load(`
      (func (export "proxy_on_configure") (param i32) (param $size i32) (result i32) (i32.ne (local.get $size) (i32.const 0)))
      (func (export "proxy_on_done") (param $id i32) (result i32) (call $rec (i32.const 0) (local.get $id)) (i32.const 1))
      (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32) (call $rec (i32.const 1) (i32.const 7)) (i32.const 0))`);
    const good = vm.startPlugin({ rootId: "a", configuration: "ok" });
    const bad = vm.startPlugin({ rootId: "b" });
    expect([good.configured, bad.configured, bad.deleted]).toEqual([true, false, false]);
    expect(slot(vm, 0)).toBe(0); // nobody got on_done
    good.newHttpStream().requestHeaders(GET);
    expect(slot(vm, 1)).toBe(7);
    expect(vm.contexts.has(bad.id)).toBe(true);
  });
});

describe("header maps (Envoy's request header map, context.cc getHeaderMapValue)", () => {
  it('"host" in a request map is :authority: read, written, and enough for an HTTP call', async () => {
    const { host, vm } = await load(
      `
      (data (i32.const 0x3000) "\\03\\00\\00\\00\\07\\00\\00\\00\\03\\00\\00\\00\\05\\00\\00\\00\\04\\00\\00\\00\\04\\00\\00\\00\\03\\00\\00\\00:method\\00GET\\00:path\\00/api\\00host\\00svc\\00")
      (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
        (call $rec (i32.const 0) (call $proxy_get_header_map_value (i32.const 0) @host (i32.const 0x100) (i32.const 0x104)))
        (call $save (i32.const 0))
        (call $rec (i32.const 1) (call $proxy_replace_header_map_value (i32.const 0) @host @new))
        (call $rec (i32.const 2) (call $proxy_http_call @cluster (i32.const 0x3000) (i32.const 60) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 1000) (i32.const 0x108)))
        (i32.const 0))`,
      { host: "Host", new: "b.test", cluster: "backend" },
    );
    const s = vm.startPlugin().newHttpStream();
    s.requestHeaders([
      [":method", "GET"],
      [":path", "/"],
      ["host", "a.test"],
    ]);
    expect(slot(vm, 0)).toBe(0);
    expect(savedText(vm, 0)).toBe("a.test");
    expect(slot(vm, 1)).toBe(0);
    expect(s.requestHeader(":authority")).toBe("b.test");
    expect(s.requestHeader("host")).toBeUndefined();
    expect(slot(vm, 2)).toBe(0); // sent, where the old emulator said BAD_ARGUMENT
    expect(host.httpCalls[0].headers).toContainEqual([":authority", "svc"]);
  });

  it("in proxy_on_log a map that is not there is NOT_FOUND, not BAD_ARGUMENT", async () => {
    const { vm } = await load(
      `
      (func (export "proxy_on_log") (param i32)
        (call $rec (i32.const 0) (call $proxy_get_header_map_value (i32.const 1) @k (i32.const 0x100) (i32.const 0x104)))
        (call $rec (i32.const 1) (call $proxy_get_header_map_value (i32.const 6) @k (i32.const 0x100) (i32.const 0x104)))
        (call $rec (i32.const 2) (call $proxy_get_header_map_value (i32.const 0) @p (i32.const 0x100) (i32.const 0x104))))`,
      { k: "x", p: ":path" },
    );
    const s = vm.startPlugin().newHttpStream();
    s.requestHeaders(GET, { endOfStream: true });
    s.complete();
    expect([slot(vm, 0), slot(vm, 1), slot(vm, 2)]).toEqual([Status.NOT_FOUND, Status.NOT_FOUND, 0]);
  });
});

describe("HTTP streams (filter_manager.cc, context.cc)", () => {
  it("a local response runs through the same filter's response callbacks", async () => {
    const { vm } = await load(
      `
      (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
        (drop (call $proxy_send_local_response (i32.const 403) @det @body (i32.const 0) (i32.const 0) (i32.const -1)))
        (i32.const 1))
      (func (export "proxy_on_response_headers") (param i32) (param $n i32) (param $eos i32) (result i32)
        (call $rec (i32.const 0) (local.get $eos))
        (drop (call $proxy_get_header_map_value (i32.const 2) @st (i32.const 0x100) (i32.const 0x104)))
        (call $save (i32.const 0))
        (drop (call $proxy_add_header_map_value (i32.const 2) @k @v))
        (i32.const 0))
      (func (export "proxy_on_response_body") (param i32) (param $size i32) (param $eos i32) (result i32)
        (call $rec (i32.const 1) (local.get $size)) (call $rec (i32.const 2) (local.get $eos)) (i32.const 0))`,
      { det: "denied", body: "go away", st: ":status", k: "x-filtered", v: "yes" },
    );
    const s = vm.startPlugin().newHttpStream();
    s.requestHeaders(GET);
    expect(savedText(vm, 0)).toBe("403");
    expect([slot(vm, 0), slot(vm, 1), slot(vm, 2)]).toEqual([0, 7, 1]);
    expect(s.responseHeader("x-filtered")).toBe("yes");
    expect(s.responseHeader("content-type")).toBe("text/plain");
    expect(s.responseBodyText).toBe("go away");
    expect(s.localResponse?.status).toBe(403);
  });

  it("trailers held behind paused headers still arrive when the re-delivered body pauses again", async () => {
    const { host, vm } = await load(`
      (global $stream (mut i32) (i32.const 0))
      (func (export "proxy_on_context_create") (param $id i32) (param $parent i32)
        (if (local.get $parent) (then (global.set $stream (local.get $id)))))
      (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
        (drop (call $proxy_set_tick_period_milliseconds (i32.const 10))) (i32.const 1))
      (func (export "proxy_on_tick") (param i32)
        (drop (call $proxy_set_effective_context (global.get $stream)))
        (drop (call $proxy_continue_stream (i32.const 0))))
      (func (export "proxy_on_request_body") (param i32) (param $size i32) (param $eos i32) (result i32)
        (call $rec (i32.const 0) (local.get $size)) (call $rec (i32.const 1) (local.get $eos)) (i32.const 1))
      (func (export "proxy_on_request_trailers") (param i32) (param $n i32) (result i32)
        (call $rec (i32.const 2) (local.get $n)) (i32.const 0))`);
    const s = vm.startPlugin().newHttpStream();
    s.requestHeaders(GET);
    s.requestBody("hello");
    s.requestTrailers([["grpc-status", "0"]]);
    host.advanceTime(10);
    expect([slot(vm, 0), slot(vm, 1), slot(vm, 2)]).toEqual([5, 0, 1]);
  });

  it("a paused request body past the buffer limit gets Envoy's 413, and the limit is a Host option", async () => {
    const body = `(func (export "proxy_on_request_body") (param i32) (param $size i32) (param i32) (result i32)
        (call $rec (i32.const 0) (local.get $size)) (i32.const 1))
      (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32)
        (drop (call $proxy_get_header_map_value (i32.const 2) @st (i32.const 0x100) (i32.const 0x104)))
        (call $save (i32.const 0)) (i32.const 0))`;
    const { vm } = await load(body, { st: ":status" }, new Host({ bufferLimitBytes: 8 }));
    const s = vm.startPlugin().newHttpStream();
    s.requestHeaders(GET);
    expect(s.requestBody("12345")).toBe(1);
    expect(s.requestBody("6789")).toBeNull(); // 9 bytes > 8: the filter is not called
    expect(slot(vm, 0)).toBe(5);
    expect(s.localResponse).toMatchObject({
      status: 413,
      bodyText: "Payload Too Large",
      details: "request_payload_too_large",
    });
    expect(savedText(vm, 0)).toBe("413"); // through the filter's response callback
    expect(s.requestBodyText).toBe("");

    const big = await load(body, { st: ":status" }); // default: Envoy's 1 MiB
    const t = big.vm.startPlugin().newHttpStream();
    t.requestHeaders(GET);
    t.requestBody(new Uint8Array(1024 * 1024));
    expect(t.requestBody("x")).toBeNull();
    expect(t.localResponse?.status).toBe(413);
  });

  it("a paused response body past the limit resets the stream once the response headers left", async () => {
    const { vm } = await load(
      `(func (export "proxy_on_response_body") (param i32 i32 i32) (result i32) (i32.const 1))`,
      {},
      new Host({ bufferLimitBytes: 4 }),
    );
    const s = vm.startPlugin().newHttpStream();
    s.requestHeaders(GET, { endOfStream: true });
    s.responseHeaders([[":status", "200"]]);
    expect(s.responseBody("abc")).toBe(1);
    expect(s.responseBody("de")).toBeNull();
    expect(s.reset).toBe(true);
  });
});

describe("metrics and calls (context.cc incrementMetric, Envoy's router timeout)", () => {
  it("incrementing a counter by 0 is BAD_ARGUMENT; a gauge accepts it", async () => {
    const { vm } = await load(
      `
      (func (export "proxy_on_configure") (param i32 i32) (result i32)
        (drop (call $proxy_define_metric (i32.const 0) @c (i32.const 0x108)))
        (call $rec (i32.const 0) (call $proxy_increment_metric (i32.load (i32.const 0x108)) (i64.const 0)))
        (drop (call $proxy_define_metric (i32.const 1) @g (i32.const 0x108)))
        (call $rec (i32.const 1) (call $proxy_increment_metric (i32.load (i32.const 0x108)) (i64.const 0)))
        (i32.const 1))`,
      { c: "requests", g: "active" },
    );
    vm.startPlugin();
    expect([slot(vm, 0), slot(vm, 1)]).toEqual([Status.BAD_ARGUMENT, 0]);
  });

  it("an HTTP call whose timeout passes gets the router's 504 answer", async () => {
    const { host, vm } = await load(
      `
      (data (i32.const 0x3000) "\\03\\00\\00\\00\\07\\00\\00\\00\\01\\00\\00\\00\\0a\\00\\00\\00\\01\\00\\00\\00\\05\\00\\00\\00\\02\\00\\00\\00:method\\00G\\00:authority\\00b\\00:path\\00/x\\00")
      (func (export "proxy_on_configure") (param i32 i32) (result i32)
        (call $rec (i32.const 0) (call $proxy_http_call @cluster (i32.const 0x3000) (i32.const 60) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 100) (i32.const 0x108)))
        (i32.const 1))
      (func (export "proxy_on_http_call_response") (param i32 i32) (param $h i32) (param $b i32) (param i32)
        (call $rec (i32.const 1) (local.get $h)) (call $rec (i32.const 2) (local.get $b))
        (drop (call $proxy_get_header_map_value (i32.const 6) @st (i32.const 0x100) (i32.const 0x104)))
        (call $save (i32.const 0)))`,
      { cluster: "backend", st: ":status" },
    );
    vm.startPlugin();
    expect(slot(vm, 0)).toBe(0);
    host.advanceTime(99);
    expect(host.httpCalls).toHaveLength(1);
    host.advanceTime(1);
    expect(host.httpCalls).toHaveLength(0);
    expect([slot(vm, 1), slot(vm, 2)]).toEqual([3, 24]);
    expect(savedText(vm, 0)).toBe("504");
  });
});
