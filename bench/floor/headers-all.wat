;; The floor for the header-map workload (all pairs): reads the request headers' pairs and adds
;; one header (proxy_get_header_map_pairs + proxy_add_header_map_value), nothing else.
(module
  (import "env" "proxy_get_header_map_pairs" (func $pairs (param i32 i32 i32) (result i32)))
  (import "env" "proxy_add_header_map_value" (func $add (param i32 i32 i32 i32 i32) (result i32)))
  ;; 0..7: result cells; 16..: constant strings; 65536..262143: the one area the host writes into.
  (memory (export "memory") 4)
  (data (i32.const 16) "x-header-count")        ;; 16, 14
  (data (i32.const 32) "some")                  ;; 32, 4
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
    (drop (call $pairs (i32.const 0) (i32.const 0) (i32.const 4)))
    (drop (call $add (i32.const 0) (i32.const 16) (i32.const 14) (i32.const 32) (i32.const 4)))
    (i32.const 0)))
