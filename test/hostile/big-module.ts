// Builds test modules byte by byte (wabt would take long over 200,000 imports): a module with
// the entry points a proxy needs, `imports` function imports, and one memory of `pages`.
import { uleb } from "../../host/wasm/wasm-binary.js";

const enc = new TextEncoder();

const name = (s: string) => [...uleb(enc.encode(s).length), ...enc.encode(s)];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];

export interface BigModuleOptions {
  /** Import names, all env functions of type (i32, i32, i32) -> i32 (proxy_log's). */
  imports: string[];
  pages?: number;
}

export function bigModule({ imports, pages = 1 }: BigModuleOptions): Uint8Array {
  const I32 = 0x7f;
  const types = vec([
    [0x60, 3, I32, I32, I32, 1, I32], // 0: proxy_log's
    [0x60, 0, 0], // 1: () -> ()
    [0x60, 1, I32, 1, I32], // 2: (i32) -> i32
  ]);
  const importBody: number[] = [...uleb(imports.length)];
  for (const n of imports) importBody.push(...name("env"), ...name(n), 0x00, 0x00);
  const base = imports.length;
  const exports = vec([
    [...name("proxy_abi_version_0_2_1"), 0x00, ...uleb(base)],
    [...name("_initialize"), 0x00, ...uleb(base + 1)],
    [...name("proxy_on_memory_allocate"), 0x00, ...uleb(base + 2)],
    [...name("memory"), 0x02, 0],
  ]);
  const bodies = vec([
    [2, 0, 0x0b],
    [2, 0, 0x0b],
    [4, 0, 0x41, 0, 0x0b], // i32.const 0
  ]);
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...section(1, types),
    ...section(2, importBody),
    ...section(3, vec([[1], [1], [2]])),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(7, exports),
    ...section(10, bodies),
  ];
  return Uint8Array.from(bytes);
}
