// Hand-written hostile filters for serve. Two loop forever, for the loop limit: one loops in
// proxy_on_request_headers when :path starts with "/loo" (other requests pass), one in _initialize;
// one sets headers HTTP/1 cannot carry.
import { wat } from "../check/wat.js";

const COMMON = `
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "proxy_on_memory_allocate") (param $n i32) (result i32) (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $n)))
    (local.get $p))
  (func (export "proxy_on_context_create") (param i32 i32))
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_configure") (param i32 i32) (result i32) (i32.const 1))`;

export function loopOnPath(): Promise<Uint8Array> {
  return wat(`(module
  (import "env" "proxy_get_header_map_value" (func $get (param i32 i32 i32 i32 i32) (result i32)))
  ${COMMON}
  (data (i32.const 16) ":path")
  (data (i32.const 32) "/loo")
  (func (export "_initialize"))
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
    (if (i32.eqz (call $get (i32.const 0) (i32.const 16) (i32.const 5) (i32.const 64) (i32.const 68)))
      (then
        (if (i32.and (i32.ge_u (i32.load (i32.const 68)) (i32.const 4))
                     (i32.eq (i32.load (i32.load (i32.const 64))) (i32.load (i32.const 32))))
          (then (loop $forever (br $forever))))))
    (i32.const 0)))`);
}

export function loopInInitialize(): Promise<Uint8Array> {
  return wat(`(module
  ${COMMON}
  (func (export "_initialize") (loop $forever (br $forever)))
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32) (i32.const 0)))`);
}

/**
 * A filter that adds a header with CR LF in its value ("a\r\nx-injected: 1"): to the request
 * when :path starts with "/req", to the response when it starts with "/res".
 */
export function injectsHeaders(): Promise<Uint8Array> {
  return wat(`(module
  (import "env" "proxy_get_header_map_value" (func $get (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_add_header_map_value" (func $add (param i32 i32 i32 i32 i32) (result i32)))
  ${COMMON}
  (global $onResponse (mut i32) (i32.const 0))
  (data (i32.const 16) ":path")
  (data (i32.const 32) "/req")
  (data (i32.const 36) "/res")
  (data (i32.const 40) "x-bad")
  (data (i32.const 48) "a\\0d\\0ax-injected: 1")
  (func (export "_initialize"))
  (func $pathStarts (param $at i32) (result i32)
    (if (result i32) (i32.eqz (call $get (i32.const 0) (i32.const 16) (i32.const 5) (i32.const 64) (i32.const 68)))
      (then (i32.and (i32.ge_u (i32.load (i32.const 68)) (i32.const 4))
                     (i32.eq (i32.load (i32.load (i32.const 64))) (i32.load (local.get $at)))))
      (else (i32.const 0))))
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
    (if (call $pathStarts (i32.const 32))
      (then (drop (call $add (i32.const 0) (i32.const 40) (i32.const 5) (i32.const 48) (i32.const 16)))))
    (global.set $onResponse (call $pathStarts (i32.const 36)))
    (i32.const 0))
  (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32)
    (if (global.get $onResponse)
      (then (drop (call $add (i32.const 2) (i32.const 40) (i32.const 5) (i32.const 48) (i32.const 16)))))
    (i32.const 0)))`);
}
