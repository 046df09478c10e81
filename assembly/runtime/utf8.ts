// UTF-8 ⇄ UTF-16 for the strings that cross the ABI, with the standard library's rules (lone
// surrogates encode as three bytes, WTF-8; a truncated sequence at the end is dropped) in less
// code than its encoder, decoder and the reallocation the decoder needs. Header names and values,
// paths and configuration keys are ASCII almost always: decoding widens them eight bytes at a
// time.

/** `text` as UTF-8 at `out` (room for 3 bytes per code unit); returns the bytes written. */
export function encodeUtf8(text: string, out: usize): usize {
  let src = changetype<usize>(text);
  const end = src + (<usize>text.length << 1);
  let at = out;
  while (src < end) {
    let c = <u32>load<u16>(src);
    src += 2;
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
  let out = __new(size << 1, idof<String>());
  let i: usize = 0;
  // Eight bytes at a time while all are ASCII: widen each to a code unit.
  for (; i + 8 <= size; i += 8) {
    const w = load<u64>(ptr + i);
    if (w & 0x8080808080808080) break;
    store<u64>(out + (i << 1), widenAscii(w & 0xffffffff));
    store<u64>(out + (i << 1), widenAscii(w >> 32), 8);
  }
  for (; i < size; i++) {
    const c = load<u8>(ptr + i);
    if (c >= 0x80) {
      // Not ASCII: count the code units, then decode into a string of that length (the
      // partial copy is garbage).
      out = __new(decodeInto(ptr, size, 0) << 1, idof<String>());
      decodeInto(ptr, size, out);
      break;
    }
    store<u16>(out + (i << 1), c);
  }
  return changetype<string>(out);
}

/** Four bytes in the low half of `x` spread to four 16-bit code units. */
@inline function widenAscii(x: u64): u64 {
  x = (x | (x << 16)) & 0x0000ffff0000ffff;
  return (x | (x << 8)) & 0x00ff00ff00ff00ff;
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
