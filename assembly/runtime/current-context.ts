// Which context the host is calling into right now. The dispatcher sets it before it hands a
// callback to a context; helpers that start asynchronous work (HTTP and gRPC calls) read it so
// the answer can be routed back to the context that asked.

let current: u32 = 0;

@inline export function currentContextId(): u32 {
  return current;
}

@inline export function setCurrentContextId(contextId: u32): void {
  current = contextId;
}
