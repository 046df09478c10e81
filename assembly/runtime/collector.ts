// When to collect garbage. The SDK builds with AssemblyScript's minimal runtime: no collector
// runs behind the filter's back (and no shadow stack slows every call); instead the SDK
// collects between callbacks, when nothing on the wasm stack can hold an object. It does so
// after every COLLECT_EVERY stream deletions, or at once when the heap had to grow, so
// memory settles at what COLLECT_EVERY streams need and stays there.

const COLLECT_EVERY: u32 = 32;

let eventsSinceCollect: u32 = 0;
let pagesAfterCollect: i32 = memory.size();

/** Call at the very end of a callback, when no object is referenced from the stack. */
export function collectIfDue(): void {
  if (++eventsSinceCollect < COLLECT_EVERY && memory.size() == pagesAfterCollect) return;
  __collect();
  eventsSinceCollect = 0;
  pagesAfterCollect = memory.size();
}
