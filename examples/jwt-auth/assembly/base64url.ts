// base64url decoding (RFC 4648 section 5) without padding, as JWTs use it (RFC 7515 section 2).

/** The 6-bit value of a base64url character, or -1. */
function sextet(c: u32): i32 {
  if (c >= 0x41 && c <= 0x5a) return <i32>c - 0x41;      // A-Z
  if (c >= 0x61 && c <= 0x7a) return <i32>c - 0x61 + 26; // a-z
  if (c >= 0x30 && c <= 0x39) return <i32>c - 0x30 + 52; // 0-9
  if (c == 0x2d) return 62;                              // -
  if (c == 0x5f) return 63;                              // _
  return -1;
}

/**
 * Decodes `length` base64url characters at `ptr`; null when a character is outside the
 * alphabet, padding is present, or the length or the unused trailing bits are not canonical.
 */
export function decodeBase64Url(ptr: usize, length: usize): ArrayBuffer | null {
  const tail = length & 3;
  if (tail == 1) return null;
  const out = new ArrayBuffer(<i32>((length >> 2) * 3 + (tail == 0 ? 0 : tail - 1)));
  let o = changetype<usize>(out);
  let bits: u32 = 0;
  let count: u32 = 0;
  for (let i: usize = 0; i < length; i++) {
    const v = sextet(<u32>load<u8>(ptr + i));
    if (v < 0) return null;
    bits = (bits << 6) | <u32>v;
    count += 6;
    if (count >= 8) {
      count -= 8;
      store<u8>(o++, <u8>(bits >>> count));
      bits &= (1 << count) - 1;
    }
  }
  // Leftover bits must be zero, or two different strings would decode to one signature.
  return bits == 0 ? out : null;
}
