// The header-map wire format shared by headers, trailers, gRPC metadata and map properties:
//   u32 count, then count × (u32 name length, u32 value length), then each name and value
//   followed by a NUL byte. All integers little-endian.

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
    const name = String.UTF8.decodeUnsafe(bytes, nameLength);
    bytes += nameLength + 1;
    if (valueLength >= end - bytes) return null;
    const value = String.UTF8.decodeUnsafe(bytes, valueLength);
    bytes += valueLength + 1;
    unchecked((pairs[<i32>i] = new HeaderPair(name, value)));
  }
  return pairs;
}

/** Encodes pairs into the wire format. */
export function encodePairs(pairs: HeaderPair[]): ArrayBuffer {
  const count = pairs.length;
  let size: usize = 4 + <usize>count * 10;
  for (let i = 0; i < count; i++) {
    const pair = unchecked(pairs[i]);
    size += <usize>String.UTF8.byteLength(pair.name) + <usize>String.UTF8.byteLength(pair.value);
  }
  const data = new ArrayBuffer(<i32>size);
  const start = changetype<usize>(data);
  store<u32>(start, <u32>count);
  let lengths = start + 4;
  let bytes = lengths + <usize>count * 8;
  for (let i = 0; i < count; i++) {
    const pair = unchecked(pairs[i]);
    const nameLength = String.UTF8.encodeUnsafe(changetype<usize>(pair.name), pair.name.length, bytes);
    bytes += nameLength;
    store<u8>(bytes++, 0);
    const valueLength = String.UTF8.encodeUnsafe(changetype<usize>(pair.value), pair.value.length, bytes);
    bytes += valueLength;
    store<u8>(bytes++, 0);
    store<u32>(lengths, <u32>nameLength);
    store<u32>(lengths, <u32>valueLength, 4);
    lengths += 8;
  }
  return data;
}
