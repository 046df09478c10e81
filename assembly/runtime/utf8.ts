// UTF-8 ⇄ UTF-16 for the strings that cross the ABI, with the standard library's rules (lone
// surrogates encode as three bytes, WTF-8; a truncated sequence at the end is dropped) in less
// code than its encoder, decoder and the reallocation the decoder needs. Header names and values,
// paths and configuration keys are ASCII almost always: decoding widens them sixteen bytes at a
// time.

/** `text` as UTF-8 at `out` (room for 3 bytes per code unit); returns the bytes written. */
export function encodeUtf8(text: string, out: usize): usize {
  let src = changetype<usize>(text);
  const end = src + (<usize>text.length << 1);
  let at = out;
  while (src < end) {
    let c = <u32>load<u16>(src);
    src += 2;
    if (c < 0x80) { // ASCII, the usual case: one byte, no lead-byte arithmetic
      store<u8>(at++, c);
      continue;
    }
    let more: u32 = 0; // continuation bytes after the lead byte
    if (c >= 0x80) {
      more = c >= 0x800 ? 2 : 1;
      if ((c & 0xfc00) == 0xd800 && src < end && (<u32>load<u16>(src) & 0xfc00) == 0xdc00) {
        c = 0x10000 + ((c & 0x3ff) << 10) + (<u32>load<u16>(src) & 0x3ff);
        src += 2;
        more = 3;
      }
    }
    // Lead byte: 0xxxxxxx, 110xxxxx, 1110xxxx or 11110xxx.
    store<u8>(at++, (c >> (more * 6)) | (more != 0 ? (0xff80 >> more) & 0xff : 0));
    while (more != 0) {
      more--;
      store<u8>(at++, 0x80 | ((c >> (more * 6)) & 63));
    }
  }
  return at - out;
}

/** The string of `size` UTF-8 bytes at `ptr`. */
export function decodeUtf8(ptr: usize, size: usize): string {
  const out = __new(size << 1, idof<String>());
  if (!widenAscii(ptr, size, out)) {
    // Not ASCII: count the code units, then decode into a string of that length (the partial
    // copy is garbage).
    const decoded = __new(decodeInto(ptr, size, 0) << 1, idof<String>());
    decodeInto(ptr, size, decoded);
    return changetype<string>(decoded);
  }
  return changetype<string>(out);
}

/**
 * Widens `size` ASCII bytes at `src` to code units at `dst`; false (and `dst` partly written)
 * when one is not ASCII. Blocks of 16 bytes (4 for a value under 16): one test per block, then
 * one load and one store per byte at constant offsets, the fewest wasm instructions per byte
 * without SIMD (which some proxies' interpreters lack). The last block ends at the end,
 * overlapping the one before, and a value of 4 bytes or more takes at least two blocks, so no
 * length costs less than a shorter one (a partial last block handled byte by byte would make
 * 15 bytes dearer than 16).
 */
function widenAscii(src: usize, size: usize, dst: usize): bool {
  if (size >= 16) return widenBlocks(src, size, dst, 16);
  if (size >= 4) return widenBlocks(src, size, dst, 4);
  for (let i: usize = 0; i < size; i++) {
    const c = load<u8>(src + i);
    if (c >= 0x80) return false;
    store<u16>(dst + (i << 1), c);
  }
  return true;
}

/** `size` (at least `step`) bytes in blocks of `step` (a constant: 16 or 4), the last one ending at the end. */
@inline function widenBlocks(src: usize, size: usize, dst: usize, step: usize): bool {
  const last = src + size - step;
  let final = false;
  while (true) {
    // One block (the only copy of its code: inlined once per step).
    if (step == 16 ? (load<u64>(src) | load<u64>(src, 8)) & 0x8080808080808080 : load<u32>(src) & 0x80808080) return false;
    widen4(src, dst);
    if (step == 16) {
      widen4(src + 4, dst + 8);
      widen4(src + 8, dst + 16);
      widen4(src + 12, dst + 24);
    }
    if (final) return true;
    src += step;
    dst += step << 1;
    if (src >= last) {
      dst -= (src - last) << 1;
      src = last;
      final = true;
    }
  }
}

/** Four ASCII bytes at `src` as four code units at `dst`. */
@inline function widen4(src: usize, dst: usize): void {
  store<u16>(dst, load<u8>(src));
  store<u16>(dst, load<u8>(src, 1), 2);
  store<u16>(dst, load<u8>(src, 2), 4);
  store<u16>(dst, load<u8>(src, 3), 6);
}

/** Decodes `size` bytes at `ptr` to code units at `out` (when not 0); returns how many. */
function decodeInto(ptr: usize, size: usize, out: usize): usize {
  const end = ptr + size;
  let units: usize = 0;
  while (ptr < end) {
    let c = <u32>load<u8>(ptr++);
    if (c >= 0x80) {
      if (ptr == end) break;
      const c1 = <u32>load<u8>(ptr++) & 63;
      if ((c & 0xe0) == 0xc0) {
        c = ((c & 31) << 6) | c1;
      } else {
        if (ptr == end) break;
        const c2 = <u32>load<u8>(ptr++) & 63;
        if ((c & 0xf0) == 0xe0) {
          c = ((c & 15) << 12) | (c1 << 6) | c2;
        } else {
          if (ptr == end) break;
          c = ((c & 7) << 18) | (c1 << 12) | (c2 << 6) | (<u32>load<u8>(ptr++) & 63);
        }
        if (c >= 0x10000) {
          c -= 0x10000;
          if (out != 0) store<u16>(out + (units << 1), (c >> 10) | 0xd800);
          units++;
          c = (c & 0x3ff) | 0xdc00;
        }
      }
    }
    if (out != 0) store<u16>(out + (units << 1), c);
    units++;
  }
  return units;
}
