// When to collect garbage. The SDK builds with AssemblyScript's minimal runtime: no collector
// runs behind the filter's back (and no shadow stack slows every call); instead the SDK
// collects at the end of a callback, when nothing on the wasm stack can hold an object, if
// - the filter allocated 16 KiB since the last collection, checked when a context is created
//   and after plugin-level callbacks: a stream that allocates a few small objects pays for a
//   collection once every hundred streams or so, and a new stream pays for its predecessors'
//   garbage, so the callbacks of a stream in flight stay lean;
// - it allocated 64 KiB, checked after every stream callback: a long-lived stream (a TCP
//   connection, a streamed body) makes garbage with no new stream to collect it; or
// - the heap had to grow during the callback, so garbage made by streams that are still open
//   (say, 64 concurrent streams logging 100 headers each) is reclaimed at once.
// Growth alone is not enough: collecting only when the heap grew lets garbage fill it every
// time, and the allocator doubles it each time.
import { allocatedBlocks, allocatedBytes } from "./small-blocks";

// Also by count: a collection frees every block allocated since the last one, and when they are
// fewer than a free list holds (small-blocks.ts: 256 blocks, 16 KiB), every one goes back to its
// list and the next allocations take them from there, never from TLSF. Collecting by bytes alone
// let a stream that allocates small objects run up a thousand of them, most of which overflowed
// the lists: the cost per stream then depended on the objects' sizes and on where collections
// fell. 128 (was 64, with 8 KiB lists) keeps a 256-byte header value's garbage in its list too,
// and halves how often the live objects are marked.
const BLOCKS_PER_COLLECTION: u32 = 128;
const BLOCKS_PER_COLLECTION_IN_STREAM: u32 = 256;

let pagesAfterCollect: i32 = memory.size();

/** End of a context creation or a plugin-level callback; no object may be referenced from the stack. */
export function collectIfDue(): void {
  collectPast(16 * 1024, BLOCKS_PER_COLLECTION);
}

/** End of a stream callback; no object may be referenced from the stack. */
export function collectInStreamIfDue(): void {
  collectPast(64 * 1024, BLOCKS_PER_COLLECTION_IN_STREAM);
}

function collectPast(bytes: usize, blocks: u32): void {
  if (allocatedBytes >= bytes || allocatedBlocks >= blocks || memory.size() != pagesAfterCollect) {
    __collect();
    allocatedBytes = 0;
    allocatedBlocks = 0;
    pagesAfterCollect = memory.size();
  }
}
