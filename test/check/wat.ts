// Builds test modules from WAT in memory with wabt, so deliberately broken modules never
// land under a build/ folder that the built-modules test scans.
import initWabt from "wabt";

let wabt: Awaited<ReturnType<typeof initWabt>> | undefined;

export async function wat(source: string): Promise<Uint8Array> {
  wabt ??= await initWabt();
  const mod = wabt.parseWat("test.wat", source);
  try {
    return mod.toBinary({}).buffer;
  } finally {
    mod.destroy();
  }
}

/** The smallest module a proxy accepts (marker, memory, allocator, initialiser, a few
 *  callbacks), plus extra `imports` and definitions in `body`. */
export function conformantWat({ imports = "", body = "" } = {}): string {
  return `(module
  (import "env" "proxy_log" (func (param i32 i32 i32) (result i32)))
  ${imports}
  (memory (export "memory") 1)
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "_initialize"))
  (func (export "proxy_on_memory_allocate") (param i32) (result i32) (i32.const 0))
  (func (export "proxy_on_context_create") (param i32 i32))
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32) (i32.const 0))
  (func (export "proxy_on_tick") (param i32))
  ${body}
)`;
}
