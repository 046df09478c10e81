;; The floor for the body workload: each request body chunk is read, upper-cased in place and
;; written back at the same size (proxy_get_buffer_bytes + proxy_set_buffer_bytes), nothing else.
;; The same two host calls and the same byte loop as every SDK's body filter in bench/.
(module
  (import "env" "proxy_get_buffer_bytes" (func $get (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_set_buffer_bytes" (func $set (param i32 i32 i32 i32 i32) (result i32)))
  ;; 0..7: result cells (pointer, size); 65536..262143: the one area the host writes into.
  (memory (export "memory") 4)
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
  (func (export "proxy_on_configure") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32) (i32.const 0))
  (func (export "proxy_on_request_body") (param $ctx i32) (param $size i32) (param $eos i32) (result i32)
    (local $p i32) (local $n i32) (local $i i32) (local $c i32)
    (if (call $get (i32.const 0) (i32.const 0) (local.get $size) (i32.const 0) (i32.const 4))
      (then (return (i32.const 0))))
    (local.set $p (i32.load (i32.const 0)))
    (local.set $n (i32.load (i32.const 4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $c (i32.load8_u (i32.add (local.get $p) (local.get $i))))
        (if (i32.lt_u (i32.sub (local.get $c) (i32.const 97)) (i32.const 26))
          (then (i32.store8 (i32.add (local.get $p) (local.get $i)) (i32.sub (local.get $c) (i32.const 32)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (drop (call $set (i32.const 0) (i32.const 0) (local.get $n) (local.get $p) (local.get $n)))
    (i32.const 0))
  (func (export "proxy_on_done") (param i32) (result i32) (i32.const 1))
  (func (export "proxy_on_log") (param i32))
  (func (export "proxy_on_delete") (param i32)))
