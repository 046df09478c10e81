// Envoy's compress and uncompress: zlib format (RFC 1950), as zlib's compress() and
// uncompress() write and read it.
import { callForeignFunction, ForeignCallResult } from "../foreign-function";

/** zlib-compressed `data`; the result's status is OK, or the host's (NOT_FOUND without the function). */
export function compress(data: ArrayBuffer): ForeignCallResult {
  return callForeignFunction("compress", data);
}

/** The data inside zlib-format `data`; SerializationFailure when it is not zlib data. */
export function uncompress(data: ArrayBuffer): ForeignCallResult {
  return callForeignFunction("uncompress", data);
}
