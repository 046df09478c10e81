// The host's key-value store shared by every VM of a proxy worker set, with compare-and-swap.
import { proxy_get_shared_data, proxy_set_shared_data } from "./abi/imports";
import { checkHostStatus } from "./runtime/host-error";
import {
  bufferPtr, bufferSize, clearResult, RESULT_PTR, RESULT_SIZE, RESULT_U64, scratchLength, scratchPut, scratchReserve,
  takeResultBuffer,
} from "./runtime/memory";
import { Status } from "./types";

export class SharedDataValue {
  constructor(
    /** Ok, or NotFound when the key has no value. */
    public readonly status: Status,
    /** The value; null unless status is Ok (an empty value is an empty buffer). */
    public readonly value: ArrayBuffer | null,
    /** Pass to `setSharedData` to write only if nobody wrote in between. */
    public readonly cas: u32,
  ) {}
}

export function getSharedData(key: string): SharedDataValue {
  scratchReserve(<usize>key.length);
  const keyPtr = scratchPut(key);
  clearResult();
  store<u32>(RESULT_U64, 0);
  const status = <Status>checkHostStatus("get shared data",
    proxy_get_shared_data(keyPtr, scratchLength, RESULT_PTR, RESULT_SIZE, RESULT_U64));
  if (status != Status.Ok) return new SharedDataValue(status, null, 0);
  return new SharedDataValue(status, takeResultBuffer(), load<u32>(RESULT_U64));
}

/**
 * Sets `key` to `value`. With `cas` from a previous get, the write happens only if the value
 * is unchanged since; otherwise the result is Status.CasMismatch and the caller retries.
 * `cas` 0 writes unconditionally.
 */
export function setSharedData(key: string, value: ArrayBuffer | null, cas: u32 = 0): Status {
  scratchReserve(<usize>key.length);
  const keyPtr = scratchPut(key);
  return <Status>checkHostStatus("set shared data",
    proxy_set_shared_data(keyPtr, scratchLength, bufferPtr(value), bufferSize(value), cas));
}
