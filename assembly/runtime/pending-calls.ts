// Outstanding HTTP and gRPC calls: token → the context that made the call (typed `Object`:
// this layer knows nothing of context classes). The host delivers every answer on the plugin
// context id; this table says whose answer it is.
//
// When a call is finished differs by kind, as in Envoy: an HTTP call with its one response; a
// unary gRPC call with its message (success: no close follows) or its close (failure); a gRPC
// stream only with its close. Only grpc.ts knows which tokens are unary: it installs a hook, so
// filters without gRPC carry no code for it.
import { IdTable } from "./id-table";

const callers = new IdTable();
let takeUnaryMark: ((token: u32) => bool) | null = null;

export function rememberCall(token: u32, caller: Object): void {
  callers.set(token, caller);
}

/** Installed by grpc.ts: removes the unary mark of `token`, true when it had one. */
export function setUnaryMarkHook(hook: (token: u32) => bool): void {
  takeUnaryMark = hook;
}

/** Whether a gRPC message is the last answer to call `token` (a unary call); clears its mark. */
export function messageEndsCall(token: u32): bool {
  return takeUnaryMark !== null && changetype<(token: u32) => bool>(takeUnaryMark)(token);
}

/** The context that made the call, or null when the token is unknown. */
export function callerOf(token: u32): Object | null {
  return callers.get(token);
}

/** Forgets a finished call. */
export function forgetCall(token: u32): void {
  callers.delete(token);
  if (takeUnaryMark !== null) changetype<(token: u32) => bool>(takeUnaryMark)(token);
}

/** Forgets every call of a deleted context, so nothing keeps it reachable. */
export function forgetCallsOf(caller: Object): void {
  if (callers.size > 0) callers.deleteValue(caller);
}

export function pendingCallCount(): i32 {
  return callers.size;
}
