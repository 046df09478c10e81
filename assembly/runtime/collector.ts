// When to collect garbage. The SDK builds with AssemblyScript's minimal runtime: no collector
// runs behind the filter's back (and no shadow stack slows every call); instead the SDK
// collects between callbacks, when nothing on the wasm stack can hold an object:
// - after every COLLECT_EVERY stream deletions and plugin-level events (ticks, call answers),
//   so memory settles at what that many streams need and stays there;
// - at the end of any callback in which the heap had to grow, so garbage made by streams that
//   are still open (say, 64 concurrent streams logging 100 headers each) is reclaimed at once.

const COLLECT_EVERY: u32 = 8;

let eventsSinceCollect: u32 = 0;
let pagesAfterCollect: i32 = memory.size();

function collect(): void {
  __collect();
  eventsSinceCollect = 0;
  pagesAfterCollect = memory.size();
}

/** End of a stream deletion or plugin-level callback; no object may be referenced from the stack. */
export function collectIfDue(): void {
  if (++eventsSinceCollect >= COLLECT_EVERY || memory.size() != pagesAfterCollect) collect();
}

/** End of a stream callback (headers, body, data); no object may be referenced from the stack. */
@inline export function collectIfGrown(): void {
  if (memory.size() != pagesAfterCollect) collect();
}
