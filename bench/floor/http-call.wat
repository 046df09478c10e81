;; The floor for the HTTP-call workload: request headers dispatch a call (headers serialized
;; once, in the data section) and pause; the call's response makes the stream effective again
;; and resumes it. The stream's id is kept in one global (the floor handles one stream at a time).
(module
  (import "env" "proxy_http_call" (func $call (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_set_effective_context" (func $effective (param i32) (result i32)))
  (import "env" "proxy_continue_stream" (func $continue (param i32) (result i32)))
  (memory (export "memory") 4)
  (global $stream (mut i32) (i32.const 0))
  (data (i32.const 16) "auth")                  ;; 16, 4
  ;; 32..: 3 pairs: count, 3 x (name length, value length), then names and values with NULs.
  (data (i32.const 32) "\03\00\00\00"
    "\07\00\00\00\03\00\00\00" "\05\00\00\00\06\00\00\00" "\0a\00\00\00\04\00\00\00"
    ":method\00GET\00" ":path\00/check\00" ":authority\00auth\00")
  ;; 4 + 24 + 12 + 13 + 16 = 69 bytes. 128..131: an empty map (count 0).
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
  (func (export "proxy_on_request_headers") (param $ctx i32) (param i32 i32) (result i32)
    (global.set $stream (local.get $ctx))
    (drop (call $call (i32.const 16) (i32.const 4) (i32.const 32) (i32.const 69) (i32.const 0) (i32.const 0)
      (i32.const 128) (i32.const 4) (i32.const 1000) (i32.const 0)))
    (i32.const 1))
  (func (export "proxy_on_http_call_response") (param i32 i32 i32 i32 i32)
    (drop (call $effective (global.get $stream)))
    (drop (call $continue (i32.const 0)))))
