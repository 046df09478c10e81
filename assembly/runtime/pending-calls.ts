// Outstanding HTTP and gRPC calls: token → id of the context that made the call. The host
// delivers every answer on the plugin context id; this table says whose answer it is.

const callers = new Map<u32, u32>();

export function rememberCall(token: u32, contextId: u32): void {
  callers.set(token, contextId);
}

/** The context that made the call, or 0 when the token is unknown. */
export function callerOf(token: u32): u32 {
  return callers.has(token) ? callers.get(token) : 0;
}

/** Forgets a finished call (an HTTP response, a closed gRPC call or stream). */
export function forgetCall(token: u32): void {
  callers.delete(token);
}

export function pendingCallCount(): i32 {
  return callers.size;
}
