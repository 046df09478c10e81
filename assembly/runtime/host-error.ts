// One log line for a host call that failed in a way the caller may not expect. Ordinary
// outcomes (NOT_FOUND for a missing key, EMPTY for an empty queue, CAS_MISMATCH) are results,
// not errors, and are not logged here.
import { formatU32 } from "./format";
import { logRaw } from "./log-raw";

const LOG_LEVEL_WARN: u32 = 3;

/**
 * Returns `status` unchanged after logging it when it is an error. Inlined: the common OK
 * costs one comparison at the call site instead of a call.
 */
@inline export function checkHostStatus(operation: string, status: u32): u32 {
  if (status != 0) logHostError(operation, status);
  return status;
}

/** The part of checkHostStatus for a status other than OK. */
export function logHostError(operation: string, status: u32): void {
  // 1 NOT_FOUND, 7 EMPTY, 8 CAS_MISMATCH are results the caller handles.
  if (status != 1 && status != 7 && status != 8) {
    logRaw(LOG_LEVEL_WARN, operation + " failed: host status " + formatU32(status));
  }
}
