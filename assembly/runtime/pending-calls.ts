// Outstanding HTTP and gRPC calls: token → the context that made the call. The host delivers
// every answer on the plugin context id; this table says whose answer it is. It reuses the
// context table's code (one hash table in the binary instead of two).
import { Context } from "../context/context";
import { ContextTable } from "./context-table";

const callers = new ContextTable();

export function rememberCall(token: u32, caller: Context): void {
  callers.set(token, caller);
}

/** The context that made the call, or null when the token is unknown. */
export function callerOf(token: u32): Context | null {
  return callers.get(token);
}

/** Forgets a finished call (an HTTP response, a closed gRPC call or stream). */
export function forgetCall(token: u32): void {
  callers.delete(token);
}

/** Forgets every call of a deleted context, so nothing keeps it reachable. */
export function forgetCallsOf(caller: Context): void {
  if (callers.size > 0) callers.deleteValue(caller);
}

export function pendingCallCount(): i32 {
  return callers.size;
}
