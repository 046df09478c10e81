// Which context the host is calling into right now (typed `Object`: this layer knows nothing of
// context classes). The dispatcher sets it before it hands a callback to a context; helpers
// that start asynchronous work (HTTP and gRPC calls) read it so the answer can be routed back
// to the context that asked.

let current: Object | null = null;

@inline export function currentContext(): Object | null {
  return current;
}

@inline export function setCurrentContext(context: Object | null): void {
  current = context;
}
