// Header maps held by the host: request/response headers and trailers, HTTP-call response
// headers and trailers, gRPC metadata. Each is reached through a `HeaderMap` by its map type.
import { formatU32 } from "./runtime/format";
import {
  proxy_add_header_map_value, proxy_get_header_map_pairs, proxy_get_header_map_size,
  proxy_get_header_map_value, proxy_remove_header_map_value, proxy_replace_header_map_value,
  proxy_set_header_map_pairs,
} from "./abi/imports";
import { checkHostStatus } from "./runtime/host-error";
import {
  clearResult, expectTransientResult, RESULT_PTR, RESULT_SIZE, scratchFirstLength, scratchLength, scratchPut, scratchPutTwo, scratchReserve, scratchReserveBytes, scratchSecond, unitsToEncode,
  takeResultBuffer, takeResultString,
} from "./runtime/memory";
import { decodePairs, HeaderPair, pairsMaxBytes, scratchPutPairs } from "./runtime/pairs";
import { logRaw } from "./runtime/log-raw";
import { MapType, Status } from "./types";

export class HeaderMap {
  constructor(public readonly type: MapType) {}

  /** The value of `name`, or null when the map has no such header (an empty value is ""). */
  get(name: string): string | null {
    const status = this.lookup(name, true);
    return status == Status.Ok ? takeResultString() : null;
  }

  /** Like `get`, as raw bytes: no UTF-8 decoding. */
  getBytes(name: string): ArrayBuffer | null {
    const status = this.lookup(name, false);
    return status == Status.Ok ? takeResultBuffer() : null;
  }

  /** Whether the map holds `name`. */
  has(name: string): bool {
    return this.lookup(name, true) == Status.Ok;
  }

  /** Every pair, in order, duplicates kept. Empty when the map is absent or unreadable. */
  getAll(): HeaderPair[] {
    clearResult();
    const status = checkHostStatus("get header map pairs", proxy_get_header_map_pairs(this.type, RESULT_PTR, RESULT_SIZE));
    if (status != Status.Ok) return [];
    const pairs = decodePairs(takeResultBuffer());
    if (pairs === null) {
      logRaw(4, "header map " + formatU32(<u32>this.type) + ": host returned malformed pairs");
      return [];
    }
    return pairs;
  }

  /** Size in bytes of the serialized map (what `getAll` would transfer). */
  serializedSize(): u32 {
    store<u32>(RESULT_PTR, 0);
    checkHostStatus("get header map size", proxy_get_header_map_size(this.type, RESULT_PTR));
    return load<u32>(RESULT_PTR);
  }

  /** Adds a value, keeping existing ones with the same name. */
  add(name: string, value: string): Status {
    const namePtr = scratchPutTwo(name, value);
    return <Status>checkHostStatus("add header",
      proxy_add_header_map_value(this.type, namePtr, scratchFirstLength, scratchSecond, scratchLength));
  }

  /** Sets `name` to this one value, adding it when absent. */
  replace(name: string, value: string): Status {
    const namePtr = scratchPutTwo(name, value);
    return <Status>checkHostStatus("replace header",
      proxy_replace_header_map_value(this.type, namePtr, scratchFirstLength, scratchSecond, scratchLength));
  }

  /**
   * `add` with UTF-8 bytes encoded once (e.g. from the configuration in onPluginStart): the
   * cheapest way to add the same header to every request.
   */
  addBytes(name: ArrayBuffer, value: ArrayBuffer): Status {
    return <Status>checkHostStatus("add header", proxy_add_header_map_value(this.type,
      changetype<usize>(name), <usize>name.byteLength, changetype<usize>(value), <usize>value.byteLength));
  }

  /** `replace` with UTF-8 bytes encoded once. */
  replaceBytes(name: ArrayBuffer, value: ArrayBuffer): Status {
    return <Status>checkHostStatus("replace header", proxy_replace_header_map_value(this.type,
      changetype<usize>(name), <usize>name.byteLength, changetype<usize>(value), <usize>value.byteLength));
  }

  /** Removes every value of `name`; OK also when it was absent. */
  remove(name: string): Status {
    scratchReserve(unitsToEncode(name));
    const namePtr = scratchPut(name);
    return <Status>checkHostStatus("remove header", proxy_remove_header_map_value(this.type, namePtr, scratchLength));
  }

  /** Replaces the whole map with `pairs`. */
  setAll(pairs: HeaderPair[]): Status {
    scratchReserveBytes(pairsMaxBytes(pairs));
    const data = scratchPutPairs(pairs);
    return <Status>checkHostStatus("set header map pairs", proxy_set_header_map_pairs(this.type, data, scratchLength));
  }

  /** `toString`: the value is only decoded, so the host may write it to the static block. */
  private lookup(name: string, toString: bool): Status {
    scratchReserve(unitsToEncode(name));
    const namePtr = scratchPut(name);
    if (toString) expectTransientResult();
    else clearResult();
    return <Status>checkHostStatus("get header", proxy_get_header_map_value(this.type, namePtr, scratchLength, RESULT_PTR, RESULT_SIZE));
  }
}

// `@lazy`: a global is compiled, allocated and scanned by the collector only if the filter uses it.
@lazy export const requestHeaders = new HeaderMap(MapType.HttpRequestHeaders);
@lazy export const requestTrailers = new HeaderMap(MapType.HttpRequestTrailers);
@lazy export const responseHeaders = new HeaderMap(MapType.HttpResponseHeaders);
@lazy export const responseTrailers = new HeaderMap(MapType.HttpResponseTrailers);
@lazy export const httpCallResponseHeaders = new HeaderMap(MapType.HttpCallResponseHeaders);
@lazy export const httpCallResponseTrailers = new HeaderMap(MapType.HttpCallResponseTrailers);
@lazy export const grpcInitialMetadata = new HeaderMap(MapType.GrpcCallInitialMetadata);
@lazy export const grpcTrailingMetadata = new HeaderMap(MapType.GrpcCallTrailingMetadata);
