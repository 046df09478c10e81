// HMAC-SHA256 (RFC 2104, FIPS 198-1) with the key prepared once: the hash states after the
// key's inner and outer pad blocks are kept, so signing a message costs no key processing.
import { BLOCK_BYTES, Sha256, sha256 } from "./sha256";

export class HmacSha256 {
  private inner: Sha256 = new Sha256();
  private outer: Sha256 = new Sha256();
  private work: Sha256 = new Sha256();

  constructor(key: ArrayBuffer) {
    // A key longer than a block is replaced by its hash; a shorter one is padded with zeros.
    if (key.byteLength > BLOCK_BYTES) key = sha256(key);
    const pad = new ArrayBuffer(BLOCK_BYTES);
    const p = changetype<usize>(pad);
    const k = changetype<usize>(key);
    for (let i = 0; i < BLOCK_BYTES; i++) store<u8>(p + <usize>i, (i < key.byteLength ? load<u8>(k + <usize>i) : 0) ^ 0x36);
    this.inner.updateBuffer(pad);
    for (let i = 0; i < BLOCK_BYTES; i++) store<u8>(p + <usize>i, load<u8>(p + <usize>i) ^ 0x36 ^ 0x5c);
    this.outer.updateBuffer(pad);
  }

  /** The 32-byte MAC of `length` bytes at `ptr`. */
  sign(ptr: usize, length: usize): ArrayBuffer {
    const work = this.work;
    work.copyFrom(this.inner);
    work.update(ptr, length);
    const innerHash = work.digest();
    work.copyFrom(this.outer);
    work.updateBuffer(innerHash);
    return work.digest();
  }
}

/** Compares without an early exit, so the time taken does not reveal where a forgery differs. */
export function constantTimeEqual(a: ArrayBuffer, b: ArrayBuffer): bool {
  if (a.byteLength != b.byteLength) return false;
  let diff: u32 = 0;
  const pa = changetype<usize>(a);
  const pb = changetype<usize>(b);
  for (let i = 0; i < a.byteLength; i++) diff |= <u32>(load<u8>(pa + <usize>i) ^ load<u8>(pb + <usize>i));
  return diff == 0;
}
