// Time and ticks.
import { clock_time_get, proxy_set_tick_period_milliseconds } from "./abi/imports";
import { checkHostStatus } from "./runtime/host-error";
import { RESULT_U64 } from "./runtime/memory";
import { Status } from "./types";

const CLOCK_REALTIME: u32 = 0;
const CLOCK_MONOTONIC: u32 = 1;

/**
 * Wall-clock time in nanoseconds since the Unix epoch. Proxies may freeze it for the length
 * of a callback, so do not expect it to move within one.
 */
export function getCurrentTimeNanoseconds(): u64 {
  store<u64>(RESULT_U64, 0);
  clock_time_get(CLOCK_REALTIME, 1, RESULT_U64);
  return load<u64>(RESULT_U64);
}

/** Wall-clock time in milliseconds since the Unix epoch. */
export function getCurrentTimeMilliseconds(): u64 {
  return getCurrentTimeNanoseconds() / 1_000_000;
}

/** A monotonic clock in nanoseconds, for measuring durations (0 when the host has none). */
export function getMonotonicTimeNanoseconds(): u64 {
  store<u64>(RESULT_U64, 0);
  clock_time_get(CLOCK_MONOTONIC, 1, RESULT_U64);
  return load<u64>(RESULT_U64);
}

/** Calls the plugin context's `onTick` every `period` ms; 0 stops it. Use from a plugin context. */
export function setTickPeriodMilliseconds(period: u32): Status {
  return <Status>checkHostStatus("set tick period", proxy_set_tick_period_milliseconds(period));
}
