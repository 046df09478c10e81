// Outstanding HTTP and gRPC calls: token → the context that made the call. The host delivers
// every answer on the plugin context id; these tables say whose answer it is. They reuse the
// context table's code (one hash table in the binary).
//
// When a call is finished differs by kind, as in Envoy: an HTTP call with its one response; a
// unary gRPC call with its message (success: no close follows) or its close (failure); a gRPC
// stream only with its close.
import { Context } from "../context/context";
import { ContextTable } from "./context-table";

const callers = new ContextTable();
const unaryGrpcCallers = new ContextTable();

export function rememberCall(token: u32, caller: Context): void {
  callers.set(token, caller);
}

export function rememberUnaryGrpcCall(token: u32, caller: Context): void {
  unaryGrpcCallers.set(token, caller);
}

/** The context that made the call, or null when the token is unknown. */
export function callerOf(token: u32): Context | null {
  const caller = callers.get(token);
  return caller !== null ? caller : unaryGrpcCallers.get(token);
}

/** Whether `token` is a unary gRPC call (its message is its last answer). */
export function isUnaryGrpcCall(token: u32): bool {
  return unaryGrpcCallers.get(token) !== null;
}

/** Forgets a finished call. */
export function forgetCall(token: u32): void {
  if (!callers.delete(token)) unaryGrpcCallers.delete(token);
}

/** Forgets every call of a deleted context, so nothing keeps it reachable. */
export function forgetCallsOf(caller: Context): void {
  if (callers.size > 0) callers.deleteValue(caller);
  if (unaryGrpcCallers.size > 0) unaryGrpcCallers.deleteValue(caller);
}

export function pendingCallCount(): i32 {
  return callers.size + unaryGrpcCallers.size;
}
