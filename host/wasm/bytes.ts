// Byte helpers shared by the emulator: the ABI moves bytes, tests mostly speak strings.

export type BytesLike = string | Uint8Array;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const EMPTY = new Uint8Array(0);

export function toBytes(value: BytesLike | undefined | null): Uint8Array {
  if (value === undefined || value === null) return EMPTY;
  return typeof value === "string" ? encoder.encode(value) : value;
}

export function text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Buffers `concat` made, and how many of their bytes its newest result covers. */
const growable = new WeakMap<ArrayBufferLike, number>();

/**
 * `a` then `b`, as new bytes; `a` itself is left as it was. A body buffered chunk by chunk is
 * built with this, so the result of one call is extended in place by the next while its buffer
 * has room (and the buffer doubles when it has not): appending n bytes costs O(n) in all, not
 * O(n²) (a 50 MB body in 16 KiB chunks would copy 80 GB). Only the newest result of a buffer
 * grows in place; an older view of it keeps its bytes, and extending it copies.
 */
export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (b.length === 0) return a.length === 0 ? EMPTY : a;
  const length = a.length + b.length;
  if (a.byteOffset === 0 && growable.get(a.buffer) === a.length && a.buffer.byteLength >= length) {
    const out = new Uint8Array(a.buffer, 0, length);
    out.set(b, a.length);
    growable.set(a.buffer, length);
    return out;
  }
  const backing = new Uint8Array(a.length === 0 ? length : Math.max(length, 2 * a.length));
  backing.set(a, 0);
  backing.set(b, a.length);
  growable.set(backing.buffer, length);
  return backing.subarray(0, length);
}

export function concatAll(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
