// Property values and their wire encoding as Envoy serializes CEL values: strings raw,
// integers 8-byte little-endian, doubles 8-byte IEEE, booleans 1 byte, maps in the header-map
// pair format. Paths are segments joined by NUL.
import { encodePairs } from "../wasm/pairs.js";

export type PropertyValue =
  | string
  | Uint8Array
  | bigint
  | number
  | boolean
  | { [key: string]: string | Uint8Array | bigint | number | boolean }
  | Array<[string, string]>;

export type PropertyPath = string | readonly string[];

/** ["request","path"] or "request.path" → "request\0path". */
export function pathKey(path: PropertyPath): string {
  return typeof path === "string" ? path.split(".").join("\0") : path.join("\0");
}

export function encodeProperty(value: PropertyValue): Uint8Array {
  if (typeof value === "string") return new TextEncoder().encode(value);
  if (value instanceof Uint8Array) return value.slice();
  if (typeof value === "boolean") return Uint8Array.of(value ? 1 : 0);
  if (typeof value === "bigint" || (typeof value === "number" && Number.isInteger(value))) {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigInt64(0, BigInt.asIntN(64, BigInt(value)), true);
    return out;
  }
  if (typeof value === "number") {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setFloat64(0, value, true);
    return out;
  }
  const entries = Array.isArray(value) ? value : Object.entries(value);
  const dec = new TextDecoder();
  return encodePairs(entries.map(([k, v]) => [k, typeof v === "string" ? v : dec.decode(encodeProperty(v))]));
}

/**
 * A layer's word that a property is not there (setProperty(path, undefined)): the lookup stops
 * here with NOT_FOUND instead of falling through to the layers above or to Envoy's defaults,
 * so a test can give a filter a stream without, say, a route name.
 */
export const REMOVED = Symbol("removed");

/** What one layer says of a key: its value, REMOVED, or undefined (ask the next layer). */
export type Found = Uint8Array | typeof REMOVED | undefined;

/** A found value as the filter gets it: REMOVED reads as not found. */
export function foundValue(found: Found): Uint8Array | undefined {
  return found === REMOVED ? undefined : found;
}

/** A layer of properties; a lookup below a map-valued property finds the map's entry. */
export class PropertyStore {
  private readonly values = new Map<string, PropertyValue | typeof REMOVED>();

  /** undefined removes the property for this layer and the ones it overrides. */
  set(path: PropertyPath, value: PropertyValue | undefined): void {
    this.values.set(pathKey(path), value === undefined ? REMOVED : value);
  }

  /** This layer's value of a key, REMOVED, or undefined when the layer says nothing. */
  find(key: string): Found {
    const v = this.values.get(key);
    if (v !== undefined) return v === REMOVED ? v : encodeProperty(v);
    const cut = key.lastIndexOf("\0");
    if (cut < 0) return undefined;
    const parent = this.values.get(key.slice(0, cut));
    if (parent === REMOVED) return REMOVED;
    if (parent === undefined || typeof parent !== "object" || parent instanceof Uint8Array) return undefined;
    const sub = key.slice(cut + 1);
    const hit = Array.isArray(parent) ? parent.find(([k]) => k === sub)?.[1] : parent[sub];
    return hit === undefined ? undefined : encodeProperty(hit);
  }

  /** The value this layer holds for a key (a removed one is none). */
  lookup(key: string): Uint8Array | undefined {
    return foundValue(this.find(key));
  }
}
