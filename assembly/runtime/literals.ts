// UTF-8 of string literals, encoded once. A literal lives in static memory (below __heap_base)
// for the life of the VM, with the header every AssemblyScript object has. The first word of
// that header is the allocator's block size, which nothing reads for static data (it is never
// freed or resized), so it holds the address of the literal's UTF-8 copy instead: every later
// host call with the same literal (":path", "x-request-id", ...) finds its bytes in two loads.
// A block size is smaller than __heap_base and a copy's address is not, which tells them apart.
import { encodeUtf8 } from "./utf8";

/** Bytes from an object's address back to its block header (BLOCK + OBJECT overhead, wasm32). */
const HEADER_BYTES: usize = 20;

/** Byte length of the bytes `literalUtf8` returned last. */
export let literalLength: usize = 0;

/** Whether `text` is a literal (static data), not a string built at run time. */
@inline export function isLiteral(text: string): bool {
  return changetype<usize>(text) < __heap_base;
}

/**
 * The UTF-8 bytes of the literal `text`, valid for the life of the VM. The copy is a length
 * word followed by the bytes, allocated once per literal and never freed.
 */
export function literalUtf8(text: string): usize {
  const copy = literalCopy(text);
  literalLength = <usize>load<u32>(copy);
  return copy + 4;
}

/** The address of the copy of the literal `text` (its length word); inlined: the usual case is two loads. */
@inline export function literalCopy(text: string): usize {
  const copy = load<usize>(changetype<usize>(text) - HEADER_BYTES);
  return copy >= __heap_base ? copy : makeLiteralCopy(text);
}

/** The first use of a literal: its copy made and remembered in its header. */
function makeLiteralCopy(text: string): usize {
  const copy = heap.alloc(4 + <usize>text.length * 3);
  store<u32>(copy, <u32>encodeUtf8(text, copy + 4));
  store<usize>(changetype<usize>(text) - HEADER_BYTES, copy);
  return copy;
}
