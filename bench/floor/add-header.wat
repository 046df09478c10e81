;; The floor: a hand-written add-header filter making exactly the host calls of
;; test/filters/add-header.ts (read :path, add one request header, add one response header)
;; and nothing else. No SDK can be cheaper than this.
(module
  (import "env" "proxy_get_header_map_value" (func $get (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_add_header_map_value" (func $add (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  ;; 0..7: result cells; 16..: constant strings; 1024..: the one buffer the host writes into.
  (data (i32.const 16) ":path")                 ;; 16, 5
  (data (i32.const 32) "x-path-length")         ;; 32, 13
  (data (i32.const 48) "seen")                  ;; 48, 4
  (data (i32.const 64) "x-filter")              ;; 64, 8
  (data (i32.const 80) "proxy-wasm-as")         ;; 80, 13
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "_initialize"))
  ;; Every host allocation gets the same scratch area: the filter reads it before the next one.
  (func $alloc (param $size i32) (result i32)
    (if (result i32) (i32.gt_u (local.get $size) (i32.const 64512))
      (then (i32.const 0))
      (else (i32.const 1024))))
  (export "malloc" (func $alloc))
  (export "proxy_on_memory_allocate" (func $alloc))
  (func (export "proxy_on_context_create") (param i32 i32))
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_configure") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
    (drop (call $get (i32.const 0) (i32.const 16) (i32.const 5) (i32.const 0) (i32.const 4)))
    (drop (call $add (i32.const 0) (i32.const 32) (i32.const 13) (i32.const 48) (i32.const 4)))
    (i32.const 0))
  (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32)
    (drop (call $add (i32.const 2) (i32.const 64) (i32.const 8) (i32.const 80) (i32.const 13)))
    (i32.const 0))
  (func (export "proxy_on_done") (param i32) (result i32) (i32.const 1))
  (func (export "proxy_on_log") (param i32))
  (func (export "proxy_on_delete") (param i32)))
