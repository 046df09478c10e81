;; The floor for the body workload: each request body chunk is read, upper-cased in place and
;; written back at the same size (proxy_get_buffer_bytes + proxy_set_buffer_bytes), nothing else.
;; The same two host calls as every SDK's body filter in bench/, and the loop of the leanest of them.
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
    (local $p i32) (local $n i32) (local $q i32) (local $end i32) (local $w i64) (local $c i32)
    (if (call $get (i32.const 0) (i32.const 0) (local.get $size) (i32.const 0) (i32.const 4))
      (then (return (i32.const 0))))
    (local.set $p (i32.load (i32.const 0)))
    (local.set $n (i32.load (i32.const 4)))
    (local.set $q (local.get $p))
    (local.set $end (i32.add (local.get $p) (local.get $n)))
    ;; Eight ASCII bytes per step, as proxy-wasm-as's asciiUpperCaseBytes and Rust's
    ;; make_ascii_uppercase do: a-z is where adding 0x1f sets the top bit and adding 0x05 does not.
    (block $words
      (loop $word
        (br_if $words (i32.gt_u (i32.add (local.get $q) (i32.const 8)) (local.get $end)))
        (local.set $w (i64.load (local.get $q)))
        (br_if $words (i64.ne (i64.and (local.get $w) (i64.const 0x8080808080808080)) (i64.const 0)))
        (i64.store (local.get $q) (i64.xor (local.get $w) (i64.shr_u
          (i64.and (i64.and (i64.add (local.get $w) (i64.const 0x1f1f1f1f1f1f1f1f))
                            (i64.xor (i64.add (local.get $w) (i64.const 0x0505050505050505)) (i64.const -1)))
                   (i64.const 0x8080808080808080))
          (i64.const 2))))
        (local.set $q (i32.add (local.get $q) (i32.const 8)))
        (br $word)))
    ;; The rest (and everything after a non-ASCII word) one byte at a time.
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $q) (local.get $end)))
        (local.set $c (i32.load8_u (local.get $q)))
        (if (i32.lt_u (i32.sub (local.get $c) (i32.const 97)) (i32.const 26))
          (then (i32.store8 (local.get $q) (i32.sub (local.get $c) (i32.const 32)))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $next)))
    (drop (call $set (i32.const 0) (i32.const 0) (local.get $n) (local.get $p) (local.get $n)))
    (i32.const 0))
  (func (export "proxy_on_done") (param i32) (result i32) (i32.const 1))
  (func (export "proxy_on_log") (param i32))
  (func (export "proxy_on_delete") (param i32)))
