// Counters in shared data: a u64 stored as 8 bytes, little-endian, updated with compare-and-swap
// so that workers counting at the same time never lose an increment to each other.
import { logRaw } from "./runtime/log-raw";
import { formatU32 } from "./runtime/format";
import { getSharedData, setSharedData } from "./shared-data";
import { Status } from "./types";

const COUNTER_BYTES: i32 = 8;
const LOG_LEVEL_WARN: u32 = 3;

export class SharedCounterValue {
  constructor(
    /** Ok; NotFound when the key has no value; ParseFailure when it holds something not 8 bytes long. */
    public readonly status: Status,
    /** The counter; 0 unless status is Ok. */
    public readonly value: u64,
    /** Pass to `setSharedCounter` to write only if nobody wrote in between (0 after an increment). */
    public readonly cas: u32,
  ) {}
}

/** Reads `key` as a u64 little-endian counter. */
export function getSharedCounter(key: string): SharedCounterValue {
  const current = getSharedData(key);
  if (current.status != Status.Ok) return new SharedCounterValue(current.status, 0, 0);
  const bytes = <ArrayBuffer>current.value;
  if (bytes.byteLength != COUNTER_BYTES) {
    // Someone stored other data under this key: say so instead of reading garbage.
    logRaw(LOG_LEVEL_WARN, "shared data \"" + key + "\" holds " + formatU32(<u32>bytes.byteLength) +
      " bytes, not a counter (8 bytes, little-endian)");
    return new SharedCounterValue(Status.ParseFailure, 0, current.cas);
  }
  return new SharedCounterValue(Status.Ok, load<u64>(changetype<usize>(bytes)), current.cas);
}

/** Writes `value` to `key` as 8 bytes, little-endian; `cas` as in `setSharedData`. */
export function setSharedCounter(key: string, value: u64, cas: u32 = 0): Status {
  const bytes = new ArrayBuffer(COUNTER_BYTES);
  store<u64>(changetype<usize>(bytes), value); // wasm memory is little-endian
  return setSharedData(key, bytes, cas);
}

/**
 * Adds `delta` to the counter `key` (wrapping at 2^64; an absent key counts from 0) and returns
 * the new value. A write that loses to another worker is retried, up to `attempts` times in all;
 * then the status is CasMismatch and nothing was added. ParseFailure when the key holds other data
 * (left unchanged); a host error is returned as is.
 */
export function incrementSharedCounter(key: string, delta: u64 = 1, attempts: u32 = 8): SharedCounterValue {
  for (let i: u32 = 0; i < attempts; i++) {
    const current = getSharedCounter(key);
    if (current.status != Status.Ok && current.status != Status.NotFound) return new SharedCounterValue(current.status, 0, 0);
    const next = current.value + delta;
    // A key the host does not hold accepts any cas, so the first write cannot be conditional.
    const status = setSharedCounter(key, next, current.cas);
    if (status == Status.Ok) return new SharedCounterValue(Status.Ok, next, 0);
    if (status != Status.CasMismatch) return new SharedCounterValue(status, 0, 0);
  }
  return new SharedCounterValue(Status.CasMismatch, 0, 0);
}
