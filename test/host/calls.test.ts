import { describe, expect, it } from "vitest";
import { encodePairs, Host } from "../../host/index.js";
import { savedText, slot, wat } from "./wat.js";

const hex = (b: Uint8Array) => [...b].map((x) => "\\" + x.toString(16).padStart(2, "0")).join("");
const reqHeaders = encodePairs([
  [":method", "GET"],
  [":path", "/check"],
  [":authority", "auth"],
]);
const noAuthority = encodePairs([
  [":method", "GET"],
  [":path", "/check"],
]);

// The stream dispatches a call and pauses; the response (on the root id) switches to the
// stream, records what it read and resumes it.
const module = wat(
  `(data (i32.const 0x3000) "${hex(reqHeaders)}")
  (data (i32.const 0x3100) "${hex(noAuthority)}")
  (global $stream (mut i32) (i32.const 0))
  (func (export "proxy_on_request_headers") (param $id i32) (param i32 i32) (result i32)
    (global.set $stream (local.get $id))
    (call $rec (i32.const 0) (call $proxy_http_call @up (i32.const 0x3000) (i32.const ${reqHeaders.length}) @body (i32.const 0) (i32.const 0) (i32.const 500) (i32.const 0x108)))
    (call $rec (i32.const 1) (i32.load (i32.const 0x108)))
    (call $rec (i32.const 2) (call $proxy_http_call @up (i32.const 0x3100) (i32.const ${noAuthority.length}) @body (i32.const 0) (i32.const 0) (i32.const 500) (i32.const 0x108)))
    (i32.const 1))
  (func (export "proxy_on_http_call_response") (param $root i32) (param $token i32) (param $nh i32) (param $bs i32) (param $nt i32)
    (call $rec (i32.const 3) (local.get $root))
    (call $rec (i32.const 4) (local.get $token))
    (call $rec (i32.const 5) (local.get $nh))
    (call $rec (i32.const 6) (call $proxy_get_header_map_pairs (i32.const 6) (i32.const 0x100) (i32.const 0x104)))
    (call $rec (i32.const 7) (i32.load (i32.const 0x104)))
    (call $rec (i32.const 8) (call $proxy_get_header_map_value (i32.const 6) @st (i32.const 0x100) (i32.const 0x104)))
    (call $save (i32.const 0))
    (drop (call $proxy_get_buffer_bytes (i32.const 4) (i32.const 0) (local.get $bs) (i32.const 0x100) (i32.const 0x104)))
    (call $save (i32.const 1))
    (call $rec (i32.const 9) (call $proxy_get_status (i32.const 0x108) (i32.const 0x100) (i32.const 0x104)))
    (call $rec (i32.const 10) (i32.load (i32.const 0x108)))
    (drop (call $proxy_set_effective_context (global.get $stream)))
    (drop (call $proxy_add_header_map_value (i32.const 0) @k @v))
    (drop (call $proxy_continue_stream (i32.const 0))))`,
  { up: "auth_cluster", body: "ping", st: ":status", k: "x-auth", v: "checked" },
);

describe("HTTP calls", () => {
  it("records the call, answers on the plugin context id, and the filter resumes the stream", async () => {
    const host = new Host();
    const vm = await host.loadVm(module);
    const plugin = vm.startPlugin({ rootId: "r" });
    const s = plugin.newHttpStream();
    expect(s.requestHeaders([[":path", "/"]])).toBe(1);
    expect(slot(vm, 0)).toBe(0);
    expect(slot(vm, 2)).toBe(2); // BAD_ARGUMENT without :authority
    const [call] = host.httpCalls;
    expect(host.httpCalls).toHaveLength(1);
    expect(call).toMatchObject({
      upstream: "auth_cluster",
      headers: [
        [":method", "GET"],
        [":path", "/check"],
        [":authority", "auth"],
      ],
      bodyText: "ping",
      timeoutMs: 500,
      rootContextId: plugin.id,
      rootId: "r",
      callerContextId: s.id,
    });
    expect(call.token >>> 0).toBe(slot(vm, 1) >>> 0);
    expect(call.token).not.toBe(1);

    host.respondHttpCall(call.token, { status: 200, headers: [["X-Reply", "1"]], body: "pong" });
    expect(slot(vm, 3)).toBe(plugin.id);
    expect(slot(vm, 4) >>> 0).toBe(call.token);
    expect(slot(vm, 5)).toBe(2);
    expect(savedText(vm, 0)).toBe("200");
    expect(savedText(vm, 1)).toBe("pong");
    expect(s.requestHeader("x-auth")).toBe("checked");
    expect(s.requestPaused).toBe(false);
    expect(host.httpCalls).toHaveLength(0);
  });

  it("a failed call arrives as 0 headers; its response headers then read as an empty map", async () => {
    const host = new Host();
    const vm = await host.loadVm(module);
    const s = vm.startPlugin().newHttpStream();
    s.requestHeaders([]);
    host.failHttpCall(host.httpCalls[0].token);
    expect(slot(vm, 5)).toBe(0);
    expect([slot(vm, 6), slot(vm, 7)]).toEqual([0, 0]);
    expect(slot(vm, 8)).toBe(2); // no response map: BAD_ARGUMENT, as Envoy
    expect(slot(vm, 10)).toBe(11); // proxy_get_status: Envoy's BrokenConnection
    expect(s.requestResumedCount).toBe(1);
  });

  it("tokens are opaque and unique; unknown clusters fail when the host knows its clusters", async () => {
    const host = new Host({ clusters: ["other"] });
    const vm = await host.loadVm(module);
    vm.startPlugin().newHttpStream().requestHeaders([]);
    expect(slot(vm, 0)).toBe(2);
    const h2 = new Host();
    const vm2 = await h2.loadVm(module);
    const p = vm2.startPlugin();
    for (let i = 0; i < 5; i++) p.newHttpStream().requestHeaders([]);
    const tokens = h2.httpCalls.map((c) => c.token);
    expect(new Set(tokens).size).toBe(5);
    expect(tokens.every((t, i) => i === 0 || t !== tokens[i - 1] + 1)).toBe(true);
  });

  it("a response for a plugin that is gone is dropped", async () => {
    const host = new Host();
    const vm = await host.loadVm(module);
    const p = vm.startPlugin();
    p.newHttpStream().requestHeaders([]);
    const token = host.httpCalls[0].token;
    p.shutdown();
    expect(host.respondHttpCall(token)).toBe(false);
    expect(() => host.respondHttpCall(token)).toThrow(/no pending HTTP call/);
  });
});

describe("gRPC calls and streams", () => {
  const grpc = wat(
    `(func (export "proxy_on_tick") (param i32)
      (call $rec (i32.const 0) (call $proxy_grpc_call @up @svc @m (i32.const 0) (i32.const 0) @msg (i32.const 1000) (i32.const 0x108)))
      (call $rec (i32.const 1) (i32.load (i32.const 0x108)))
      (call $rec (i32.const 2) (call $proxy_grpc_stream @up @svc @m (i32.const 0) (i32.const 0) (i32.const 0x10c)))
      (call $rec (i32.const 3) (i32.load (i32.const 0x10c)))
      (call $rec (i32.const 4) (call $proxy_grpc_send (i32.load (i32.const 0x10c)) @msg (i32.const 0)))
      (call $rec (i32.const 5) (call $proxy_grpc_send (i32.load (i32.const 0x108)) @msg (i32.const 0))))
    (func (export "proxy_on_configure") (param i32 i32) (result i32) (drop (call $proxy_set_tick_period_milliseconds (i32.const 1))) (i32.const 1))
    (func (export "proxy_on_grpc_receive") (param $root i32) (param $t i32) (param $size i32)
      (drop (call $proxy_get_buffer_bytes (i32.const 5) (i32.const 0) (local.get $size) (i32.const 0x100) (i32.const 0x104)))
      (call $save (i32.const 0)))
    (func (export "proxy_on_grpc_receive_initial_metadata") (param $root i32) (param $t i32) (param $n i32)
      (call $rec (i32.const 6) (local.get $n)))
    (func (export "proxy_on_grpc_close") (param $root i32) (param $t i32) (param $code i32)
      (call $rec (i32.const 7) (local.get $code))
      (drop (call $proxy_get_status (i32.const 0x108) (i32.const 0x100) (i32.const 0x104)))
      (call $save (i32.const 1)))`,
    { up: "grpc_cluster", svc: "pkg.Svc", m: "Check", msg: "req" },
  );

  it("unary calls get odd tokens and a message or a close; streams get even tokens and everything", async () => {
    const host = new Host();
    const vm = await host.loadVm(grpc);
    const p = vm.startPlugin();
    p.tick();
    expect([slot(vm, 0), slot(vm, 2), slot(vm, 4), slot(vm, 5)]).toEqual([0, 0, 0, 2]);
    const [call] = host.grpcCalls;
    const [stream] = host.grpcStreams;
    expect(call.token % 2).toBe(1);
    expect(stream.token % 2).toBe(0);
    expect(call).toMatchObject({ upstream: "grpc_cluster", service: "pkg.Svc", method: "Check", timeoutMs: 1000 });
    expect(stream.sent.map((m) => m.text)).toEqual(["req"]);
    host.respondGrpcCall(call.token, "resp");
    expect(savedText(vm, 0)).toBe("resp");
    host.grpcStreamInitialMetadata(stream.token, [["a", "1"]]);
    expect(slot(vm, 6)).toBe(1);
    host.grpcStreamClose(stream.token, 14, "unavailable");
    expect(slot(vm, 7)).toBe(14);
    expect(savedText(vm, 1)).toBe("unavailable");
    expect(host.grpcStreams).toHaveLength(0);
  });
});
