import { describe, expect, it } from "vitest";
import { Host } from "../../host/index.js";
import { savedText, slot, wat } from "./wat.js";

const GET: [string, string][] = [
  [":method", "POST"],
  [":path", "/"],
  [":authority", "x"],
];

async function start(body: string, strings: Record<string, string> = {}) {
  const host = new Host();
  const vm = await host.loadVm(wat(`(global $calls (mut i32) (i32.const 0)) ${body}`, strings));
  return { host, vm, plugin: vm.startPlugin() };
}

describe("bodies and pause/resume", () => {
  it("set_buffer_bytes: start 0 + length 0 prepends, start ≥ size appends, start 0 + length replaces, middle is refused", async () => {
    const { vm, plugin } = await start(
      `(func (export "proxy_on_request_body") (param $id i32) (param $size i32) (param $eos i32) (result i32)
        (call $rec (i32.const 0) (call $proxy_set_buffer_bytes (i32.const 0) (i32.const 0) (i32.const 0) @pre))
        (call $rec (i32.const 1) (call $proxy_set_buffer_bytes (i32.const 0) (i32.const -1) (i32.const 0) @post))
        (call $rec (i32.const 2) (call $proxy_set_buffer_bytes (i32.const 0) (i32.const 2) (i32.const 1) @pre))
        (call $rec (i32.const 3) (call $proxy_get_buffer_bytes (i32.const 0) (i32.const 0) (i32.const 100) (i32.const 0x100) (i32.const 0x104)))
        (call $save (i32.const 0))
        (call $rec (i32.const 4) (call $proxy_get_buffer_bytes (i32.const 0) (i32.const 3) (i32.const 2) (i32.const 0x100) (i32.const 0x104)))
        (call $save (i32.const 1))
        (call $rec (i32.const 5) (call $proxy_get_buffer_bytes (i32.const 0) (i32.const 99) (i32.const 2) (i32.const 0x100) (i32.const 0x104)))
        (i32.const 0))
      (func (export "proxy_on_response_body") (param $id i32) (param $size i32) (param $eos i32) (result i32)
        (call $rec (i32.const 6) (call $proxy_set_buffer_bytes (i32.const 1) (i32.const 0) (i32.const 4) @new))
        (i32.const 0))`,
      { pre: "<<", post: ">>", new: "NEW" },
    );
    const s = plugin.newHttpStream();
    s.requestHeaders(GET);
    expect(s.requestBody("body", true)).toBe(0);
    expect([slot(vm, 0), slot(vm, 1), slot(vm, 2), slot(vm, 3), slot(vm, 4), slot(vm, 5)]).toEqual([0, 0, 2, 0, 0, 2]);
    expect(savedText(vm, 0)).toBe("<<body>>");
    expect(savedText(vm, 1)).toBe("od");
    expect(s.requestBodyText).toBe("<<body>>");
    s.responseHeaders([[":status", "200"]]);
    s.responseBody("old-rest", true);
    expect(s.responseBodyText).toBe("NEWrest"); // "old-" drained, "NEW" prepended
  });

  it("body PAUSE buffers: body_size is cumulative and the buffer holds everything until CONTINUE", async () => {
    const { vm, plugin } = await start(
      `(func (export "proxy_on_request_body") (param $id i32) (param $size i32) (param $eos i32) (result i32)
        (call $rec (global.get $calls) (local.get $size))
        (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
        (drop (call $proxy_get_buffer_bytes (i32.const 0) (i32.const 0) (local.get $size) (i32.const 0x100) (i32.const 0x104)))
        (call $save (i32.const 0))
        (i32.xor (local.get $eos) (i32.const 1)))`,
    );
    const s = plugin.newHttpStream();
    s.requestHeaders(GET);
    expect(s.requestBody("ab")).toBe(1);
    expect(s.requestBody("cde")).toBe(1);
    expect(s.requestPaused).toBe(true);
    expect(s.requestBodyText).toBe("");
    expect(s.requestBody("f", true)).toBe(0);
    expect([slot(vm, 0), slot(vm, 1), slot(vm, 2)]).toEqual([2, 5, 6]);
    expect(savedText(vm, 0)).toBe("abcdef");
    expect(s.requestBodyText).toBe("abcdef");
    expect(s.requestPaused).toBe(false);
  });

  it("headers PAUSE holds the stream; later body is buffered and delivered as one chunk after proxy_continue_stream", async () => {
    const { host, vm, plugin } = await start(
      `(func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
        (drop (call $proxy_set_tick_period_milliseconds (i32.const 100))) (i32.const 1))
      (global $stream (mut i32) (i32.const 0))
      (func (export "proxy_on_context_create") (param $id i32) (param $parent i32)
        (if (local.get $parent) (then (global.set $stream (local.get $id)))))
      (func (export "proxy_on_tick") (param i32)
        (drop (call $proxy_set_effective_context (global.get $stream)))
        ;; a change made before continuing goes out with the resumed request; after
        ;; proxy_continue_stream Envoy has dropped the map (context.cc continueStream)
        (drop (call $proxy_add_header_map_value (i32.const 0) @k @v))
        (call $rec (i32.const 0) (call $proxy_continue_stream (i32.const 0)))
        (call $rec (i32.const 3) (call $proxy_add_header_map_value (i32.const 0) @k @v)))
      (func (export "proxy_on_request_body") (param $id i32) (param $size i32) (param $eos i32) (result i32)
        (call $rec (i32.const 1) (local.get $size))
        (call $rec (i32.const 2) (local.get $eos))
        (i32.const 0))`,
      { k: "x-resumed", v: "yes" },
    );
    const s = plugin.newHttpStream();
    expect(s.requestHeaders(GET)).toBe(1);
    expect(s.requestBody("hello ")).toBeNull();
    expect(s.requestBody("world", true)).toBeNull();
    expect(s.requestHeadersForwarded).toBe(false);
    expect(() => s.responseHeaders([[":status", "200"]])).toThrow(/paused/);
    host.advanceTime(100);
    expect([slot(vm, 0), slot(vm, 3)]).toEqual([0, 2]);
    expect(s.requestResumedCount).toBe(1);
    expect(s.requestPaused).toBe(false);
    expect(s.requestHeader("x-resumed")).toBe("yes");
    expect([slot(vm, 1), slot(vm, 2)]).toEqual([11, 1]);
    expect(s.requestBodyText).toBe("hello world");
  });

  it("proxy_send_local_response stops the request whatever the callback returns", async () => {
    const { vm, plugin } = await start(
      `(data (i32.const 0x3000) "\\01\\00\\00\\00\\0c\\00\\00\\00\\01\\00\\00\\00Content-Type\\00x\\00")
      (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
        (call $rec (i32.const 0) (call $proxy_send_local_response (i32.const 403) @det @body (i32.const 0x3000) (i32.const 27) (i32.const -1)))
        (i32.const 0))
      (func (export "proxy_on_request_body") (param i32 i32 i32) (result i32) (call $rec (i32.const 1) (i32.const 99)) (i32.const 0))`,
      { det: "denied", body: "no entry" },
    );
    const s = plugin.newHttpStream();
    expect(s.requestHeaders(GET)).toBe(0);
    expect(slot(vm, 0)).toBe(0);
    expect(s.localResponse).toEqual({
      status: 403,
      details: "denied",
      body: new TextEncoder().encode("no entry"),
      bodyText: "no entry",
      headers: [["content-type", "x"]],
      grpcStatus: null,
    });
    expect(s.requestHeadersForwarded).toBe(false);
    expect(s.requestBody("ignored", true)).toBeNull();
    expect(slot(vm, 1)).toBe(0);
    expect(() => s.responseHeaders([[":status", "200"]])).toThrow(/local response/);
    expect(s.responseHeader(":status")).toBe("403");
    expect(s.responseBodyText).toBe("no entry");
  });

  it("proxy_close_stream resets the stream; feeding it afterwards is an error, ending it is not", async () => {
    const { plugin } = await start(
      `(func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32) (drop (call $proxy_close_stream (i32.const 0))) (i32.const 0))`,
    );
    const s = plugin.newHttpStream();
    s.requestHeaders(GET);
    expect(s.reset).toBe(true);
    expect(() => s.requestBody("x")).toThrow(/reset/);
    // Envoy still runs done, log and delete for a reset stream.
    s.complete();
    expect(s.completed).toBe(true);
    expect(plugin.vm.contexts.has(s.id)).toBe(false);
  });

  // Envoy context.cc getBuffer wraps the (absent) body pointer: OK with size 0 outside the callback.
  it("a body buffer outside its callback is empty; unknown stream type is BAD_ARGUMENT", async () => {
    const { vm, plugin } = await start(
      `(func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
        (call $rec (i32.const 0) (call $proxy_get_buffer_status (i32.const 0) (i32.const 0x108) (i32.const 0x10c)))
        (call $rec (i32.const 1) (call $proxy_continue_stream (i32.const 4)))
        (call $rec (i32.const 2) (call $proxy_set_effective_context (i32.const 12345)))
        (i32.const 0))`,
    );
    plugin.newHttpStream().requestHeaders(GET);
    expect([slot(vm, 0), slot(vm, 1), slot(vm, 2)]).toEqual([0, 2, 2]);
  });

  it("feeding out of order throws a clear error", async () => {
    const { plugin } = await start("");
    const s = plugin.newHttpStream();
    expect(() => s.requestBody("x")).toThrow(/headers must come first/);
    s.requestHeaders(GET, { endOfStream: true });
    expect(() => s.requestHeaders(GET)).toThrow(/already delivered/);
    expect(() => s.requestBody("x")).toThrow(/already ended/);
    s.complete();
    expect(() => s.complete()).toThrow(/already complete/);
  });
});
