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

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b.slice();
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
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
