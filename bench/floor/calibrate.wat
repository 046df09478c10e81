;; Calibration of the emulator: a module whose request-headers callback makes `n` host calls of
;; one kind (set with the exported `calibrate(kind, n)`), and whose request-body callback reads
;; and writes back the chunk (kind 4) without touching it. Timing it with n = 0 and n = K gives
;; the host's own cost per call, which every contender pays the same.
;; kinds: 0 get_header_map_value(:path), 1 add_header_map_value, 2 increment_metric,
;;        3 get_shared_data, 4 body chunk get + set.
(module
  (import "env" "proxy_get_header_map_value" (func $get (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_add_header_map_value" (func $add (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_define_metric" (func $define (param i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_increment_metric" (func $increment (param i32 i64) (result i32)))
  (import "env" "proxy_get_shared_data" (func $shared (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_get_buffer_bytes" (func $getb (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_set_buffer_bytes" (func $setb (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 4)
  (data (i32.const 16) ":path")                 ;; 16, 5
  (data (i32.const 32) "x-path-length")         ;; 32, 13
  (data (i32.const 48) "seen")                  ;; 48, 4
  (data (i32.const 64) "bench_requests")        ;; 64, 14
  (data (i32.const 80) "bench_key")             ;; 80, 9
  (global $kind (mut i32) (i32.const 0))
  (global $n (mut i32) (i32.const 0))
  (func (export "calibrate") (param i32 i32) (global.set $kind (local.get 0)) (global.set $n (local.get 1)))
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
  (func (export "proxy_on_configure") (param i32 i32) (result i32)
    (i32.eqz (call $define (i32.const 0) (i32.const 64) (i32.const 14) (i32.const 12))))
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (global.get $n)))
        (if (i32.eq (global.get $kind) (i32.const 0))
          (then (drop (call $get (i32.const 0) (i32.const 16) (i32.const 5) (i32.const 0) (i32.const 4)))))
        (if (i32.eq (global.get $kind) (i32.const 1))
          (then (drop (call $add (i32.const 0) (i32.const 32) (i32.const 13) (i32.const 48) (i32.const 4)))))
        (if (i32.eq (global.get $kind) (i32.const 2))
          (then (drop (call $increment (i32.load (i32.const 12)) (i64.const 1)))))
        (if (i32.eq (global.get $kind) (i32.const 3))
          (then (drop (call $shared (i32.const 80) (i32.const 9) (i32.const 0) (i32.const 4) (i32.const 8)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 0))
  (func (export "proxy_on_request_body") (param $ctx i32) (param $size i32) (param $eos i32) (result i32)
    (if (i32.eq (global.get $kind) (i32.const 4))
      (then
        (if (i32.eqz (call $getb (i32.const 0) (i32.const 0) (local.get $size) (i32.const 0) (i32.const 4)))
          (then (drop (call $setb (i32.const 0) (i32.const 0) (i32.load (i32.const 4)) (i32.load (i32.const 0)) (i32.load (i32.const 4))))))))
    (i32.const 0))
  (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32) (i32.const 0))
  (func (export "proxy_on_done") (param i32) (result i32) (i32.const 1))
  (func (export "proxy_on_log") (param i32))
  (func (export "proxy_on_delete") (param i32)))
