// The header-map wire format shared by headers, trailers, gRPC metadata and map properties:
//   u32 count, then count × (u32 name length, u32 value length), then each name and value
//   followed by a NUL byte. All integers little-endian.
import { isLiteral, literalLength, literalUtf8 } from "./literals";
import { scratchAdvance, scratchLength, scratchNext, scratchReserveBytes } from "./memory";
import { decodeUtf8, encodeUtf8 } from "./utf8";

/** One header (or trailer, or metadata entry). Names are lower-case as the proxy gives them. */
export class HeaderPair {
  constructor(public name: string, public value: string) {}
}

/** Decodes a serialized map. Returns null when the bytes do not hold a well-formed map. */
export function decodePairs(data: ArrayBuffer): HeaderPair[] | null {
  const start = changetype<usize>(data);
  const size = <usize>data.byteLength;
  if (size == 0) return [];
  if (size < 4) return null;
  const count = <usize>load<u32>(start);
  // Each pair needs 8 bytes of lengths and 2 NULs: reject counts the data cannot hold.
  if (count > (size - 4) / 10) return null;
  const pairs = new Array<HeaderPair>(<i32>count);
  let lengths = start + 4;
  let bytes = lengths + count * 8;
  const end = start + size;
  for (let i: usize = 0; i < count; i++) {
    const nameLength = <usize>load<u32>(lengths);
    const valueLength = <usize>load<u32>(lengths, 4);
    lengths += 8;
    // Compare without overflow: each length is checked against what is left.
    if (nameLength >= end - bytes) return null;
    const name = decodeUtf8(bytes, nameLength);
    bytes += nameLength + 1;
    if (valueLength >= end - bytes) return null;
    const value = decodeUtf8(bytes, valueLength);
    bytes += valueLength + 1;
    unchecked((pairs[<i32>i] = new HeaderPair(name, value)));
  }
  return pairs;
}

/** The most bytes `pairs` can take in the wire format (3 UTF-8 bytes per code unit). */
export function pairsMaxBytes(pairs: HeaderPair[]): usize {
  const count = pairs.length;
  let units: usize = 0;
  for (let i = 0; i < count; i++) {
    const pair = unchecked(pairs[i]);
    units += <usize>pair.name.length + <usize>pair.value.length;
  }
  return 4 + <usize>count * 10 + units * 3;
}

/**
 * Encodes `pairs` into the scratch area (reserved for pairsMaxBytes first); returns the pointer,
 * the length is in scratchLength. Valid until the next scratchReserve: no allocation.
 */
export function scratchPutPairs(pairs: HeaderPair[]): usize {
  const start = scratchNext();
  const count = pairs.length;
  store<u32>(start, <u32>count);
  let lengths = start + 4;
  let bytes = lengths + <usize>count * 8;
  for (let i = 0; i < count; i++) {
    const pair = unchecked(pairs[i]);
    const nameLength = putUtf8(pair.name, bytes);
    bytes += nameLength;
    store<u8>(bytes++, 0);
    const valueLength = putUtf8(pair.value, bytes);
    bytes += valueLength;
    store<u8>(bytes++, 0);
    store<u32>(lengths, <u32>nameLength);
    store<u32>(lengths, <u32>valueLength, 4);
    lengths += 8;
  }
  scratchAdvance(bytes - start);
  return start;
}

/** `text` as UTF-8 at `out`; returns the bytes. A literal (the usual header name) is copied from its cached UTF-8. */
function putUtf8(text: string, out: usize): usize {
  if (!isLiteral(text)) return encodeUtf8(text, out);
  memory.copy(out, literalUtf8(text), literalLength);
  return literalLength;
}

/** Encodes pairs into the wire format, in a buffer of their own. */
export function encodePairs(pairs: HeaderPair[]): ArrayBuffer {
  scratchReserveBytes(pairsMaxBytes(pairs));
  const ptr = scratchPutPairs(pairs);
  const data = new ArrayBuffer(<i32>scratchLength);
  memory.copy(changetype<usize>(data), ptr, scratchLength);
  return data;
}
