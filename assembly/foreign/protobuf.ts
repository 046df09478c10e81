// The little of the protobuf wire format Envoy's foreign functions take and return: small
// messages of strings, bytes, booleans and enums. Fields are written in proto3's way (zero and
// empty values left out).

export class ProtoWriter {
  private data: u8[] = [];

  private varint(value: u64): void {
    while (value >= 0x80) {
      this.data.push(<u8>(value & 0x7f) | 0x80);
      value >>= 7;
    }
    this.data.push(<u8>value);
  }

  /** A varint field (bool, enum, integer). */
  uint(field: u32, value: u64): ProtoWriter {
    if (value == 0) return this;
    this.varint(<u64>(field << 3));
    this.varint(value);
    return this;
  }

  /** A bytes field. */
  bytes(field: u32, value: ArrayBuffer | null): ProtoWriter {
    if (value === null || value.byteLength == 0) return this;
    this.varint(<u64>((field << 3) | 2));
    this.varint(<u64>value.byteLength);
    const p = changetype<usize>(value);
    for (let i = 0; i < value.byteLength; i++) this.data.push(load<u8>(p + <usize>i));
    return this;
  }

  /** A string field (UTF-8). */
  string(field: u32, value: string): ProtoWriter {
    return value.length == 0 ? this : this.bytes(field, String.UTF8.encode(value));
  }

  finish(): ArrayBuffer {
    const out = new ArrayBuffer(this.data.length);
    for (let i = 0; i < this.data.length; i++) store<u8>(changetype<usize>(out) + <usize>i, unchecked(this.data[i]));
    return out;
  }
}

/** One field of a parsed message: a varint's value, or a length-delimited field's bytes. */
export class ProtoField {
  constructor(public field: u32, public varint: u64, public bytes: ArrayBuffer | null) {}
}

/** The fields of a message in order, or null when the bytes are not valid protobuf. */
export function parseProto(message: ArrayBuffer): ProtoField[] | null {
  const fields = new Array<ProtoField>();
  const start = changetype<usize>(message);
  const end = start + <usize>message.byteLength;
  let at = start;
  while (at < end) {
    // Tag, then the value; every read checks the end first.
    let tag: u64 = 0;
    let shift: u64 = 0;
    let b: u8 = 0x80;
    while (b & 0x80) {
      if (at >= end || shift > 63) return null;
      b = load<u8>(at++);
      tag |= (<u64>(b & 0x7f)) << shift;
      shift += 7;
    }
    const field = <u32>(tag >> 3);
    const wire = <u32>(tag & 7);
    if (field == 0) return null;
    let value: u64 = 0;
    if (wire == 0 || wire == 2) {
      shift = 0;
      b = 0x80;
      while (b & 0x80) {
        if (at >= end || shift > 63) return null;
        b = load<u8>(at++);
        value |= (<u64>(b & 0x7f)) << shift;
        shift += 7;
      }
    }
    if (wire == 0) {
      fields.push(new ProtoField(field, value, null));
    } else if (wire == 2) {
      if (value > <u64>(end - at)) return null;
      const bytes = new ArrayBuffer(<i32>value);
      memory.copy(changetype<usize>(bytes), at, <usize>value);
      at += <usize>value;
      fields.push(new ProtoField(field, 0, bytes));
    } else if (wire == 1 || wire == 5) {
      const size: usize = wire == 1 ? 8 : 4;
      if (size > end - at) return null;
      at += size;
    } else {
      return null;
    }
  }
  return fields;
}
