// SHA-256 (FIPS 180-4, section 6.2), incremental: update() any number of times, then digest().

// The first 32 bits of the fractional parts of the cube roots of the first 64 primes (4.2.2).
const K: StaticArray<u32> = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

// The initial hash value (5.3.3).
const H0: StaticArray<u32> = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/** The message schedule W0..W63, shared: one compression runs at a time. */
const W: usize = memory.data(64 * 4, 4);

export const BLOCK_BYTES: i32 = 64;
export const DIGEST_BYTES: i32 = 32;

export class Sha256 {
  private state: StaticArray<u32> = new StaticArray<u32>(8);
  /** Bytes of an incomplete block, waiting for more input. */
  private block: StaticArray<u8> = new StaticArray<u8>(BLOCK_BYTES);
  private blockLength: i32 = 0;
  private totalBytes: u64 = 0;

  constructor() { this.reset(); }

  reset(): void {
    for (let i = 0; i < 8; i++) unchecked((this.state[i] = H0[i]));
    this.blockLength = 0;
    this.totalBytes = 0;
  }

  /** Continues from `other`'s point (e.g. a precomputed HMAC key block). */
  copyFrom(other: Sha256): void {
    memory.copy(changetype<usize>(this.state), changetype<usize>(other.state), 32);
    memory.copy(changetype<usize>(this.block), changetype<usize>(other.block), <usize>BLOCK_BYTES);
    this.blockLength = other.blockLength;
    this.totalBytes = other.totalBytes;
  }

  /** Adds `length` bytes at `ptr` to the message. */
  update(ptr: usize, length: usize): void {
    this.totalBytes += <u64>length;
    const block = changetype<usize>(this.block);
    if (this.blockLength > 0) {
      const take = min<usize>(length, <usize>(BLOCK_BYTES - this.blockLength));
      memory.copy(block + <usize>this.blockLength, ptr, take);
      this.blockLength += <i32>take;
      ptr += take;
      length -= take;
      if (this.blockLength < BLOCK_BYTES) return;
      this.compress(block);
      this.blockLength = 0;
    }
    while (length >= <usize>BLOCK_BYTES) {
      this.compress(ptr);
      ptr += <usize>BLOCK_BYTES;
      length -= <usize>BLOCK_BYTES;
    }
    if (length > 0) {
      memory.copy(block, ptr, length);
      this.blockLength = <i32>length;
    }
  }

  updateBuffer(data: ArrayBuffer): void {
    this.update(changetype<usize>(data), <usize>data.byteLength);
  }

  /** Pads the message (5.1.1), returns the 32-byte hash. The object must be reset before reuse. */
  digest(): ArrayBuffer {
    const bits = this.totalBytes << 3;
    const block = changetype<usize>(this.block);
    let at = this.blockLength;
    store<u8>(block + <usize>at, 0x80);
    at++;
    if (at > BLOCK_BYTES - 8) {
      memory.fill(block + <usize>at, 0, <usize>(BLOCK_BYTES - at));
      this.compress(block);
      at = 0;
    }
    memory.fill(block + <usize>at, 0, <usize>(BLOCK_BYTES - 8 - at));
    store<u64>(block + <usize>(BLOCK_BYTES - 8), bswap<u64>(bits));
    this.compress(block);
    const out = new ArrayBuffer(DIGEST_BYTES);
    for (let i = 0; i < 8; i++) store<u32>(changetype<usize>(out) + (<usize>i << 2), bswap<u32>(unchecked(this.state[i])));
    return out;
  }

  /** Processes one 64-byte block at `ptr` (6.2.2). */
  private compress(ptr: usize): void {
    for (let t: usize = 0; t < 16; t++) store<u32>(W + (t << 2), bswap<u32>(load<u32>(ptr + (t << 2))));
    for (let t: usize = 16; t < 64; t++) {
      const w15 = load<u32>(W + ((t - 15) << 2));
      const w2 = load<u32>(W + ((t - 2) << 2));
      const s0 = rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3);
      const s1 = rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10);
      store<u32>(W + (t << 2), load<u32>(W + ((t - 16) << 2)) + s0 + load<u32>(W + ((t - 7) << 2)) + s1);
    }
    const state = this.state;
    let a = unchecked(state[0]), b = unchecked(state[1]), c = unchecked(state[2]), d = unchecked(state[3]);
    let e = unchecked(state[4]), f = unchecked(state[5]), g = unchecked(state[6]), h = unchecked(state[7]);
    for (let t = 0; t < 64; t++) {
      const S1 = rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25);
      const ch = (e & f) ^ (~e & g);
      const t1 = h + S1 + ch + unchecked(K[t]) + load<u32>(W + (<usize>t << 2));
      const S0 = rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = S0 + maj;
      h = g; g = f; f = e; e = d + t1;
      d = c; c = b; b = a; a = t1 + t2;
    }
    unchecked((state[0] += a)); unchecked((state[1] += b)); unchecked((state[2] += c)); unchecked((state[3] += d));
    unchecked((state[4] += e)); unchecked((state[5] += f)); unchecked((state[6] += g)); unchecked((state[7] += h));
  }
}

/** SHA-256 of `data` in one call. */
export function sha256(data: ArrayBuffer): ArrayBuffer {
  const hash = new Sha256();
  hash.updateBuffer(data);
  return hash.digest();
}
