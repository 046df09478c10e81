// A typed attribute value and its wire form, as Envoy's `serializeValue` writes a CEL value:
// strings and bytes raw; int64, uint64, timestamps (Unix ns) and durations (ns) as 8 bytes
// little-endian; doubles as 8-byte IEEE; booleans as 1 byte; maps as header-map pairs whose
// values are themselves serialized; lists as pairs with each element as a key and "" as value;
// protobuf messages as their serialized bytes (kind "bytes" here).
import { encodePairs, type Pair } from "./pairs.js";

export type AttributeKind =
  "string" | "bytes" | "int" | "uint" | "double" | "bool" | "timestamp" | "duration" | "map" | "list";

export type AttributeValue =
  | { kind: "string"; value: string }
  | { kind: "bytes"; value: Uint8Array }
  | { kind: "int" | "uint" | "timestamp" | "duration"; value: bigint }
  | { kind: "double"; value: number }
  | { kind: "bool"; value: boolean }
  | { kind: "map"; value: Pair[] }
  | { kind: "list"; value: string[] };

export const str = (value: string): AttributeValue => ({ kind: "string", value });
export const int = (value: bigint | number): AttributeValue => ({ kind: "int", value: BigInt(value) });
export const uint = (value: bigint | number): AttributeValue => ({ kind: "uint", value: BigInt(value) });
export const bool = (value: boolean): AttributeValue => ({ kind: "bool", value });
export const map = (value: Pair[]): AttributeValue => ({ kind: "map", value });
export const bytes = (value: Uint8Array): AttributeValue => ({ kind: "bytes", value });
export const timestamp = (ns: bigint): AttributeValue => ({ kind: "timestamp", value: ns });
export const duration = (ns: bigint): AttributeValue => ({ kind: "duration", value: ns });

const encoder = new TextEncoder();

export function encodeAttribute(a: AttributeValue): Uint8Array {
  switch (a.kind) {
    case "string":
      return encoder.encode(a.value);
    case "bytes":
      return a.value.slice();
    case "bool":
      return Uint8Array.of(a.value ? 1 : 0);
    case "double": {
      const out = new Uint8Array(8);
      new DataView(out.buffer).setFloat64(0, a.value, true);
      return out;
    }
    case "map":
      return encodePairs(a.value);
    case "list":
      return encodePairs(a.value.map((v): Pair => [v, ""]));
    default: {
      const out = new Uint8Array(8);
      const dv = new DataView(out.buffer);
      if (a.kind === "uint") dv.setBigUint64(0, BigInt.asUintN(64, a.value), true);
      else dv.setBigInt64(0, BigInt.asIntN(64, a.value), true);
      return out;
    }
  }
}

/** Reads bytes of a known kind back into a typed value (for values a test or filter set). */
export function decodeAttribute(kind: AttributeKind, data: Uint8Array): AttributeValue | undefined {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  switch (kind) {
    case "string":
      return str(new TextDecoder().decode(data));
    case "bool":
      return data.length === 1 ? bool(data[0] !== 0) : undefined;
    case "double":
      return data.length === 8 ? { kind: "double", value: dv.getFloat64(0, true) } : undefined;
    case "int":
    case "timestamp":
    case "duration":
      return data.length === 8 ? { kind, value: dv.getBigInt64(0, true) } : undefined;
    case "uint":
      return data.length === 8 ? { kind, value: dv.getBigUint64(0, true) } : undefined;
    default:
      return bytes(data);
  }
}
