// Which context the host is calling into right now. The dispatcher sets it before it hands a
// callback to a context; helpers that start asynchronous work (HTTP and gRPC calls) read it so
// the answer can be routed back to the context that asked.
import { Context } from "../context/context";

let current: Context | null = null;

@inline export function currentContext(): Context | null {
  return current;
}

@inline export function setCurrentContext(context: Context | null): void {
  current = context;
}
