// The little of the protobuf wire format Envoy's foreign functions speak: their arguments and
// results are small messages of strings, bytes, booleans and enums (varint and length-delimited
// fields only).

export type ProtoField = { field: number; varint?: bigint; bytes?: Uint8Array };

/** Splits a message into its fields, or null when it is not valid protobuf (Envoy: ParseFromString fails). */
export function parseMessage(data: Uint8Array): ProtoField[] | null {
  const fields: ProtoField[] = [];
  let at = 0;
  const varint = (): bigint | null => {
    let value = 0n,
      shift = 0n;
    for (;;) {
      if (at >= data.length || shift > 63n) return null;
      const b = data[at++];
      value |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return value;
      shift += 7n;
    }
  };
  while (at < data.length) {
    const tag = varint();
    if (tag === null) return null;
    const field = Number(tag >> 3n),
      wire = Number(tag & 7n);
    if (field === 0) return null;
    if (wire === 0) {
      const v = varint();
      if (v === null) return null;
      fields.push({ field, varint: v });
    } else if (wire === 2) {
      const n = varint();
      if (n === null || at + Number(n) > data.length) return null;
      fields.push({ field, bytes: data.slice(at, at + Number(n)) });
      at += Number(n);
    } else if (wire === 5 || wire === 1) {
      const n = wire === 5 ? 4 : 8;
      if (at + n > data.length) return null;
      at += n; // fixed32/fixed64: no field of these messages uses them; skipped as protobuf does
    } else {
      return null;
    }
  }
  return fields;
}

/** The last occurrence of a field wins, as in protobuf. */
export function lastField(fields: ProtoField[], field: number): ProtoField | undefined {
  for (let i = fields.length - 1; i >= 0; i--) if (fields[i].field === field) return fields[i];
  return undefined;
}

export class MessageWriter {
  private readonly parts: number[] = [];

  private varint(n: bigint): void {
    let v = BigInt.asUintN(64, n);
    while (v >= 0x80n) {
      this.parts.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.parts.push(Number(v));
  }

  /** A varint field (bool, enum, integer); proto3 leaves out zero values. */
  uint(field: number, value: bigint | number | boolean): this {
    const v = typeof value === "boolean" ? (value ? 1n : 0n) : BigInt(value);
    if (v === 0n) return this;
    this.varint(BigInt(field << 3));
    this.varint(v);
    return this;
  }

  /** A string or bytes field; proto3 leaves out empty values. */
  bytes(field: number, value: Uint8Array | string): this {
    const b = typeof value === "string" ? new TextEncoder().encode(value) : value;
    if (b.length === 0) return this;
    this.varint(BigInt((field << 3) | 2));
    this.varint(BigInt(b.length));
    for (const x of b) this.parts.push(x);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}
