;; The floor for the metric + shared-data workload: the counter "bench_requests" is defined once
;; when the plugin starts; each request increments it and reads the shared-data key "bench_key".
;; The same host calls as every SDK's metric-shared filter in bench/, and nothing else.
(module
  (import "env" "proxy_define_metric" (func $define (param i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_increment_metric" (func $increment (param i32 i64) (result i32)))
  (import "env" "proxy_get_shared_data" (func $shared (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  ;; 0..7: result cells (pointer, size); 8: cas; 12: the counter's id; 16..: constant strings;
  ;; 1024..: the one buffer the host writes into.
  (data (i32.const 16) "bench_requests")        ;; 16, 14
  (data (i32.const 32) "bench_key")             ;; 32, 9
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "_initialize"))
  (func $alloc (param $size i32) (result i32)
    (if (result i32) (i32.gt_u (local.get $size) (i32.const 64512))
      (then (i32.const 0))
      (else (i32.const 1024))))
  (export "malloc" (func $alloc))
  (export "proxy_on_memory_allocate" (func $alloc))
  (func (export "proxy_on_context_create") (param i32 i32))
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_configure") (param i32 i32) (result i32)
    (i32.eqz (call $define (i32.const 0) (i32.const 16) (i32.const 14) (i32.const 12))))
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
    (drop (call $increment (i32.load (i32.const 12)) (i64.const 1)))
    (drop (call $shared (i32.const 32) (i32.const 9) (i32.const 0) (i32.const 4) (i32.const 8)))
    (i32.const 0))
  (func (export "proxy_on_done") (param i32) (result i32) (i32.const 1))
  (func (export "proxy_on_log") (param i32))
  (func (export "proxy_on_delete") (param i32)))
