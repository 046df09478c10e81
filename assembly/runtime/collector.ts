// When to collect garbage. The SDK builds with AssemblyScript's minimal runtime: no collector
// runs behind the filter's back (and no shadow stack slows every call); instead the SDK
// collects at the end of a callback, when nothing on the wasm stack can hold an object, if
// - the filter allocated COLLECT_AFTER_BYTES since the last collection, so garbage never
//   exceeds that much, while a stream that allocates a few small objects pays for a
//   collection only once every few hundred streams; or
// - the heap had to grow during the callback, so garbage made by streams that are still open
//   (say, 64 concurrent streams logging 100 headers each) is reclaimed at once.
import { allocatedBytes } from "./small-blocks";

const COLLECT_AFTER_BYTES: usize = 16 * 1024;

let pagesAfterCollect: i32 = memory.size();

/** End of a callback; no object may be referenced from the stack. */
export function collectIfDue(): void {
  if (allocatedBytes >= COLLECT_AFTER_BYTES || memory.size() != pagesAfterCollect) {
    __collect();
    allocatedBytes = 0;
    pagesAfterCollect = memory.size();
  }
}
