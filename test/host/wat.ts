// Hand-written test modules: a prelude importing every ABI v0.2.1 host function, a memory, a
// bump allocator and helpers, so each test writes only the callbacks it needs in WAT.
//   @name   → "(i32.const ptr) (i32.const len)" of a string constant passed in `strings`
//   #name   → "(i32.const ptr)" only
// Scratch: return slots at 0x100 (ptr) / 0x104 (len) / 0x108 (u32) / 0x110 (u64);
// ($rec slot value) stores an i32 at 0x200 + 4*slot; ($save slot) copies the 0x100/0x104 pair
// to 0x400 + 8*slot so the test can read what a host function returned.
import wabtInit from "wabt";
import { ENV_IMPORTS, signatureOf } from "../../host/wasm/abi-table.js";
import type { Vm } from "../../host/index.js";

const wabt = await wabtInit();

export interface WatOptions {
  /** Replace the standard env imports (e.g. to import something the host lacks). */
  extraImports?: string;
  /** Leave out the malloc export (then provide proxy_on_memory_allocate yourself). */
  noMalloc?: boolean;
  /** Leave out the proxy_abi_version_0_2_1 marker. */
  noMarker?: boolean;
}

function envImports(): string {
  return Object.entries(ENV_IMPORTS)
    .map(([name, sig]) => {
      const { params, results } = signatureOf(sig);
      const p = params.length ? ` (param ${params.join(" ")})` : "";
      const r = results.length ? ` (result ${results.join(" ")})` : "";
      return `(import "env" "${name}" (func $${name}${p}${r}))`;
    })
    .join("\n  ");
}

export function wat(body: string, strings: Record<string, string> = {}, opts: WatOptions = {}): Uint8Array {
  const enc = new TextEncoder();
  let addr = 0x1000;
  const data: string[] = [];
  const where: Record<string, [number, number]> = {};
  for (const [name, s] of Object.entries(strings)) {
    const b = enc.encode(s);
    where[name] = [addr, b.length];
    const esc = [...b].map((x) => "\\" + x.toString(16).padStart(2, "0")).join("");
    data.push(`(data (i32.const ${addr}) "${esc}")`);
    addr += b.length + 8;
  }
  const expanded = body
    .replace(/@([A-Za-z_][\w]*)/g, (_, n) => {
      if (!where[n]) throw new Error(`unknown string @${n}`);
      return `(i32.const ${where[n][0]}) (i32.const ${where[n][1]})`;
    })
    .replace(/#([A-Za-z_][\w]*)/g, (_, n) => {
      if (!where[n]) throw new Error(`unknown string #${n}`);
      return `(i32.const ${where[n][0]})`;
    });
  const src = `(module
  ${envImports()}
  ${opts.extraImports ?? ""}
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 0x10000))
  ${opts.noMarker ? "" : `(func (export "proxy_abi_version_0_2_1"))`}
  (func $malloc ${opts.noMalloc ? "" : `(export "malloc")`} (param $n i32) (result i32) (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.and (i32.add (i32.add (global.get $heap) (local.get $n)) (i32.const 7)) (i32.const -8)))
    (block $ok (loop $grow
      (br_if $ok (i32.le_u (global.get $heap) (i32.shl (memory.size) (i32.const 16))))
      (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1)) (then (return (i32.const 0))))
      (br $grow)))
    (local.get $p))
  (func $rec (param $slot i32) (param $v i32)
    (i32.store (i32.add (i32.const 0x200) (i32.shl (local.get $slot) (i32.const 2))) (local.get $v)))
  (func $save (param $slot i32)
    (i32.store (i32.add (i32.const 0x400) (i32.shl (local.get $slot) (i32.const 3))) (i32.load (i32.const 0x100)))
    (i32.store (i32.add (i32.const 0x404) (i32.shl (local.get $slot) (i32.const 3))) (i32.load (i32.const 0x104))))
  ${data.join("\n  ")}
  ${expanded}
)`;
  const mod = wabt.parseWat("test.wat", src, { mutable_globals: true, sign_extension: true, bulk_memory: true });
  try {
    return mod.toBinary({}).buffer;
  } finally {
    mod.destroy();
  }
}

function view(vm: Vm): DataView {
  return new DataView((vm.exports.memory as WebAssembly.Memory).buffer);
}

/** The i32 the module stored with ($rec slot value). */
export function slot(vm: Vm, i: number): number {
  return view(vm).getInt32(0x200 + 4 * i, true);
}

/** The bytes at the (ptr, len) the module kept with ($save slot). */
export function saved(vm: Vm, i: number): Uint8Array {
  const dv = view(vm);
  const ptr = dv.getUint32(0x400 + 8 * i, true),
    len = dv.getUint32(0x404 + 8 * i, true);
  return new Uint8Array(dv.buffer, ptr, len).slice();
}

export function savedText(vm: Vm, i: number): string {
  return new TextDecoder().decode(saved(vm, i));
}

/** WAT: log a constant string at info level. */
export const logInfo = (name: string) => `(drop (call $proxy_log (i32.const 2) @${name}))`;
