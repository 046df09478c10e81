// Text helpers a filter needs often and AssemblyScript's library serves poorly in a size-first
// build: with shrinkLevel > 0 (the SDK's default), `Array<string>.join` falls back to repeated
// concatenation (quadratic garbage), and `String.toLowerCase` brings ~8 KB of Unicode tables.

/** `parts` joined with `separator`, in one allocation. */
export function joinStrings(parts: string[], separator: string): string {
  const count = parts.length;
  if (count == 0) return "";
  let length = separator.length * (count - 1);
  for (let i = 0; i < count; i++) length += unchecked(parts[i]).length;
  const result = changetype<string>(__new(<usize>length << 1, idof<string>()));
  let at = changetype<usize>(result);
  const separatorBytes = <usize>separator.length << 1;
  for (let i = 0; i < count; i++) {
    if (i > 0 && separatorBytes > 0) {
      memory.copy(at, changetype<usize>(separator), separatorBytes);
      at += separatorBytes;
    }
    const part = unchecked(parts[i]);
    const bytes = <usize>part.length << 1;
    memory.copy(at, changetype<usize>(part), bytes);
    at += bytes;
  }
  return result;
}

/** ASCII letters lower-cased, everything else kept (header names are ASCII). */
export function asciiLowerCase(text: string): string {
  const length = text.length;
  const result = changetype<string>(__new(<usize>length << 1, idof<string>()));
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    store<u16>(changetype<usize>(result) + (<usize>i << 1), c >= 0x41 && c <= 0x5a ? c + 0x20 : c);
  }
  return result;
}

/**
 * ASCII a-z in `data` upper-cased in place, every other byte kept (a body chunk, a header value
 * read as bytes). Eight bytes per step while they are ASCII: a byte is a lower-case letter when
 * adding 0x1f sets its top bit and adding 0x05 does not, and then 0x20 is cleared; about 5 wasm
 * instructions per byte against 20 for a byte loop.
 */
export function asciiUpperCaseBytes(data: ArrayBuffer): void {
  let p = changetype<usize>(data);
  const end = p + <usize>data.byteLength;
  while (p + 8 <= end) {
    const w = load<u64>(p);
    if (w & 0x8080808080808080) {
      upperCaseByte(p, 8);
    } else {
      const lower = ((w + 0x1f1f1f1f1f1f1f1f) & ~(w + 0x0505050505050505)) & 0x8080808080808080;
      store<u64>(p, w ^ (lower >> 2));
    }
    p += 8;
  }
  upperCaseByte(p, end - p);
}

/** `count` bytes at `p` upper-cased one by one. */
function upperCaseByte(p: usize, count: usize): void {
  for (let i: usize = 0; i < count; i++) {
    const c = load<u8>(p + i);
    if (<u32>c - 0x61 < 26) store<u8>(p + i, c - 0x20);
  }
}
