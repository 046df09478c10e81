// Properties: the proxy's attributes of the request, connection, upstream, plugin and node
// (e.g. ["request", "path"], ["source", "address"], ["plugin_name"]). A path is its segments
// joined by NUL bytes. Values arrive in the host's encodings: strings as raw bytes, integers
// as 8-byte little-endian, booleans as 1 byte, maps as header-map pairs.
import { proxy_get_property, proxy_set_property } from "./abi/imports";
import { checkHostStatus } from "./runtime/host-error";
import {
  clearResult, expectTransientResult, RESULT_PTR, RESULT_SIZE, scratchEncode, scratchEncodeByte, scratchLength, scratchReserve, takeResultBuffer,
  takeResultString,
} from "./runtime/memory";
import { decodePairs, HeaderPair } from "./runtime/pairs";
import { Status } from "./types";

/** The wire form of a property path: UTF-8 segments separated by NUL. */
export function encodePropertyPath(path: string[]): ArrayBuffer {
  const ptr = putPath(path);
  const data = new ArrayBuffer(<i32>pathLength);
  memory.copy(changetype<usize>(data), ptr, pathLength);
  return data;
}

/** Byte length of the path `putPath` encoded last. */
@lazy let pathLength: usize = 0;

/** `path` in its wire form in the scratch area (no allocation): its pointer; its length in pathLength. */
function putPath(path: string[]): usize {
  let units: usize = <usize>path.length; // a NUL after each segment but the last
  for (let i = 0; i < path.length; i++) units += <usize>unchecked(path[i]).length;
  scratchReserve(units);
  let start: usize = 0;
  pathLength = 0;
  for (let i = 0; i < path.length; i++) {
    if (i > 0) pathLength += scratchEncodeByte(0);
    const at = scratchEncode(unchecked(path[i]));
    if (i == 0) start = at;
    pathLength += scratchLength;
  }
  return start;
}

/** The raw bytes of a property, or null when the host has no such property. */
export function getProperty(path: string[]): ArrayBuffer | null {
  return lookUp(path, false) == Status.Ok ? takeResultBuffer() : null;
}

/** A string property, or null when absent. */
export function getPropertyString(path: string[]): string | null {
  return lookUp(path, true) == Status.Ok ? takeResultString() : null;
}

/** proxy_get_property; `toString`: the value is only decoded, so the host may write it to the static result block. */
function lookUp(path: string[], toString: bool): Status {
  const ptr = putPath(path);
  if (toString) expectTransientResult();
  else clearResult();
  return <Status>checkHostStatus("get property", proxy_get_property(ptr, pathLength, RESULT_PTR, RESULT_SIZE));
}

/** An integer property (8-byte little-endian), or `fallback` when absent or not 8 bytes. */
export function getPropertyInt(path: string[], fallback: i64 = 0): i64 {
  const value = getProperty(path);
  if (value === null || value.byteLength != 8) return fallback;
  return load<i64>(changetype<usize>(value));
}

/** A boolean property (1 byte), or `fallback` when absent or not 1 byte. */
export function getPropertyBool(path: string[], fallback: bool = false): bool {
  const value = getProperty(path);
  if (value === null || value.byteLength != 1) return fallback;
  return load<u8>(changetype<usize>(value)) != 0;
}

/** A map property (header-map pairs, e.g. ["request", "headers"]), or null when absent or malformed. */
export function getPropertyMap(path: string[]): HeaderPair[] | null {
  const value = getProperty(path);
  return value === null ? null : decodePairs(value);
}

export function setProperty(path: string[], value: ArrayBuffer): Status {
  const ptr = putPath(path);
  return <Status>checkHostStatus("set property", proxy_set_property(ptr, pathLength, changetype<usize>(value), <usize>value.byteLength));
}

export function setPropertyString(path: string[], value: string): Status {
  return setProperty(path, String.UTF8.encode(value));
}

// "plugin_root_id" as UTF-8, in static memory: read without building a path.
const ROOT_ID_PATH = memory.data<u8>([0x70, 0x6c, 0x75, 0x67, 0x69, 0x6e, 0x5f, 0x72, 0x6f, 0x6f, 0x74, 0x5f, 0x69, 0x64]);

/** The root id of the current plugin (Envoy's `root_id`, chosen by Istio for a WasmPlugin); "" when unknown. */
export function getPluginRootId(): string {
  clearResult();
  const status = checkHostStatus("get property plugin_root_id", proxy_get_property(ROOT_ID_PATH, 14, RESULT_PTR, RESULT_SIZE));
  return status == Status.Ok ? takeResultString() : "";
}

/** A double property (8-byte IEEE, e.g. a number in metadata), or `fallback` when absent or not 8 bytes. */
export function getPropertyFloat(path: string[], fallback: f64 = NaN): f64 {
  const value = getProperty(path);
  if (value === null || value.byteLength != 8) return fallback;
  return load<f64>(changetype<usize>(value));
}

/** A list property (Envoy sends a list as map pairs whose names are the elements), or null. */
export function getPropertyList(path: string[]): string[] | null {
  const pairs = getPropertyMap(path);
  if (pairs === null) return null;
  const list = new Array<string>(pairs.length);
  for (let i = 0; i < pairs.length; i++) unchecked(list[i] = unchecked(pairs[i]).name);
  return list;
}
