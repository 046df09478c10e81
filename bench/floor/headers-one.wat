;; The floor for the header-map workload (by name): reads one request header, replaces one and
;; removes one, nothing else.
(module
  (import "env" "proxy_get_header_map_value" (func $get (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_replace_header_map_value" (func $replace (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_remove_header_map_value" (func $remove (param i32 i32 i32) (result i32)))
  (memory (export "memory") 4)
  (data (i32.const 16) "user-agent")            ;; 16, 10
  (data (i32.const 32) "x-request-id")          ;; 32, 12
  (data (i32.const 48) "seen")                  ;; 48, 4
  (data (i32.const 64) "accept")                ;; 64, 6
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "_initialize"))
  (func $alloc (param $size i32) (result i32)
    (if (result i32) (i32.gt_u (local.get $size) (i32.const 196608))
      (then (i32.const 0))
      (else (i32.const 65536))))
  (export "malloc" (func $alloc))
  (export "proxy_on_memory_allocate" (func $alloc))
  (func (export "proxy_on_context_create") (param i32 i32))
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_done") (param i32) (result i32) (i32.const 1))
  (func (export "proxy_on_log") (param i32))
  (func (export "proxy_on_delete") (param i32))
  (func (export "proxy_on_configure") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
    (drop (call $get (i32.const 0) (i32.const 16) (i32.const 10) (i32.const 0) (i32.const 4)))
    (drop (call $replace (i32.const 0) (i32.const 32) (i32.const 12) (i32.const 48) (i32.const 4)))
    (drop (call $remove (i32.const 0) (i32.const 64) (i32.const 6)))
    (i32.const 0)))
