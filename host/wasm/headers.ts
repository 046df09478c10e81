// Header-map operations with Envoy's semantics: names are ASCII lower-cased on every entry
// point, duplicates are kept, pseudo-headers (":x") stay ahead of regular ones.
import { type Pair, type PairsInit, toPairList } from "./pairs.js";

const UPPER = /[A-Z]/;

/** ASCII lower case; most names already are, and are returned as they are (a hot path). */
export function lower(name: string): string {
  return UPPER.test(name) ? name.replace(/[A-Z]/g, (c) => c.toLowerCase()) : name;
}

/**
 * Envoy's request header map (RequestHeaderMapImpl) looks the legacy "host" name up as
 * ":authority": reading, writing or removing one is the other. Other maps keep "host".
 */
export function requestHeaderName(name: string): string {
  const key = lower(name);
  return key === "host" ? ":authority" : key;
}

/** User input → request header list as Envoy's request map holds it ("host" stored as ":authority"). */
export function normalizeRequestHeaders(init: PairsInit | undefined): Pair[] {
  const out: Pair[] = [];
  for (const [k, v] of toPairList(init)) addHeader(out, requestHeaderName(k), v);
  return out;
}

/** User input → header list as Envoy would hold it. */
export function normalizeHeaders(init: PairsInit | undefined): Pair[] {
  const out: Pair[] = [];
  for (const [k, v] of toPairList(init)) addHeader(out, k, v);
  return out;
}

export function getHeader(map: readonly Pair[], name: string): string | undefined {
  const key = lower(name);
  for (const [k, v] of map) if (k === key) return v;
  return undefined;
}

export function addHeader(map: Pair[], name: string, value: string): void {
  const key = lower(name);
  if (key.startsWith(":")) {
    let i = 0;
    while (i < map.length && map[i][0].startsWith(":")) i++;
    map.splice(i, 0, [key, value]);
  } else {
    map.push([key, value]);
  }
}

/** Sets the first entry's value in place and drops the other duplicates; adds when absent. */
export function replaceHeader(map: Pair[], name: string, value: string): void {
  const key = lower(name);
  const i = map.findIndex(([k]) => k === key);
  if (i < 0) return addHeader(map, key, value);
  map[i] = [key, value];
  for (let j = map.length - 1; j > i; j--) if (map[j][0] === key) map.splice(j, 1);
}

export function removeHeader(map: Pair[], name: string): void {
  const key = lower(name);
  for (let j = map.length - 1; j >= 0; j--) if (map[j][0] === key) map.splice(j, 1);
}

/** Envoy's HeaderMap::byteSize(): sum of name and value lengths (what proxy_get_header_map_size returns). */
export function byteSize(map: readonly Pair[]): number {
  const enc = new TextEncoder();
  let n = 0;
  for (const [k, v] of map) n += enc.encode(k).length + enc.encode(v).length;
  return n;
}
