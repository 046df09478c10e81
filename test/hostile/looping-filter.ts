// Hand-written filters that loop forever, for serve's loop limit: one loops in
// proxy_on_request_headers when :path starts with "/loo" (other requests pass), one in _initialize.
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
