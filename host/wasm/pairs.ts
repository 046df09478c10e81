// Header-map / gRPC-metadata serialization: u32 count, then (u32 key len, u32 value len) per
// pair, then key bytes + NUL, value bytes + NUL per pair; all little-endian.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export type Pair = [string, string];
export type PairsInit = Pair[] | Record<string, string>;

/** Keys and values as text (UTF-8) or as bytes (a serialized CEL map's values). */
export function encodePairs(pairs: readonly (readonly [string | Uint8Array, string | Uint8Array])[]): Uint8Array {
  const bytes = (x: string | Uint8Array) => (typeof x === "string" ? encoder.encode(x) : x);
  const raw = pairs.map(([k, v]) => [bytes(k), bytes(v)] as const);
  let size = 4 + raw.length * 8;
  for (const [k, v] of raw) size += k.length + v.length + 2;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, raw.length, true);
  let o = 4;
  for (const [k, v] of raw) {
    dv.setUint32(o, k.length, true);
    dv.setUint32(o + 4, v.length, true);
    o += 8;
  }
  for (const [k, v] of raw) {
    out.set(k, o);
    o += k.length + 1;
    out.set(v, o);
    o += v.length + 1;
  }
  return out;
}

/**
 * Parses a serialized map the way proxy-wasm-cpp-host does: anything too short to hold the
 * count and length table yields an empty map (not an error). Lengths that run past the end
 * also yield an empty map, where cpp-host would read out of bounds.
 */
export function decodePairs(bytes: Uint8Array): Pair[] {
  if (bytes.length < 4) return [];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = dv.getUint32(0, true);
  if (4 + n * 8 > bytes.length) return [];
  const lens: number[] = [];
  for (let i = 0; i < n; i++) lens.push(dv.getUint32(4 + i * 8, true), dv.getUint32(8 + i * 8, true));
  let o = 4 + n * 8;
  const out: Pair[] = [];
  for (let i = 0; i < n; i++) {
    const kl = lens[2 * i],
      vl = lens[2 * i + 1];
    if (o + kl + 1 + vl + 1 > bytes.length) return [];
    const k = decoder.decode(bytes.subarray(o, o + kl));
    o += kl + 1;
    const v = decoder.decode(bytes.subarray(o, o + vl));
    o += vl + 1;
    out.push([k, v]);
  }
  return out;
}

export function toPairList(init: PairsInit | undefined): Pair[] {
  if (!init) return [];
  if (Array.isArray(init)) return init.map(([k, v]) => [String(k), String(v)]);
  return Object.entries(init).map(([k, v]) => [k, String(v)]);
}
