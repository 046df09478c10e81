// Small blocks recycled without the general allocator. Every stream allocates a few objects
// (its context, the strings it decodes) that the collector frees a few callbacks later;
// AssemblyScript's allocator (TLSF) splits a free block for each and merges it back when freed,
// several hundred instructions a round trip. Here a freed block of up to 1,004 bytes goes on a
// list of its size instead, and the next allocation of that size takes it back in a few
// instructions. A list holds at most LIST_BYTES (and LIST_LIMIT blocks): TLSF may hand out a
// block larger than asked, so a list can receive more blocks than its size is asked for, and an
// unbounded list would keep them all (memory growing for ever); past the limit a block goes
// back to TLSF. Larger blocks go to TLSF as before.
// A small block no list holds is carved from a chunk taken from TLSF once (see carve): a
// filter's first objects, and the parse tree of a large configuration, cost a few instructions
// each instead of TLSF's search, split and insert (about 250).
// Installed by the SDK's asconfig.json: `use` points the runtime's __alloc and __free here.
import { __alloc as allocateFromTlsf, __free as freeToTlsf } from "rt/tlsf";

// A TLSF block: a 4-byte header (size | 2 tag bits), then a payload of 16n - 4 bytes.
// Classes 1..63: payloads 12, 28, ..., 1,004 bytes, so a header value of up to 494 characters
// (its UTF-16 string) is recycled too.
const CLASSES: usize = 64;
const LIST_LIMIT: u32 = 256;
const LIST_BYTES: u32 = 16 * 1024;
// Per class: the first free block (its first word links to the next) and the list's length.
@lazy const lists: usize = memory.data(<i32>(CLASSES << 3), 4);

/** The class of a payload of `size` bytes, as TLSF rounds it (at least 12 bytes: class 1). */
@inline function classOf(size: usize): usize {
  return (size + 19) >> 4;
}

/** Bytes and blocks allocated since the collector last ran (collector.ts decides by them). */
export let allocatedBytes: usize = 0;
export let allocatedBlocks: u32 = 0;

export function allocateBlock(size: usize): usize {
  allocatedBytes += size;
  allocatedBlocks++;
  const cls = classOf(size);
  if (cls < CLASSES) {
    const list = lists + (cls << 3);
    const ptr = load<usize>(list);
    if (ptr != 0) {
      store<usize>(list, load<usize>(ptr));
      store<u32>(list, load<u32>(list, 4) - 1, 4);
      return ptr;
    }
    return carve((cls << 4) - 4);
  }
  return allocateFromTlsf(size);
}

// The chunk small blocks are carved from: the header address of a block TLSF sees as one used
// block (0: none yet). Carving splits it as TLSF's own split would, so every carved block is an
// ordinary TLSF block that TLSF can later free and merge with its neighbours.
let chunk: usize = 0;
const CHUNK_BYTES: usize = 2048 - 4;
const FREE_LEFT: usize = 2; // TLSF's LEFTFREE tag: the block on the left is free
const HEADER: usize = 4; // a TLSF block header: payload size | tags

/** A block with `payload` bytes (16n - 4, as TLSF sizes them) cut from the front of the chunk. */
function carve(payload: usize): usize {
  let block = chunk;
  if (block != 0) {
    const info = load<usize>(block);
    const available = info & ~3;
    if (available >= payload) {
      const rest = available - payload; // a multiple of 16: both are 16n - 4
      if (rest >= 16) {
        // The carved block keeps the chunk's left tag; the rest (header + at least 12 bytes)
        // stays one used block whose left neighbour is used.
        store<usize>(block, payload | (info & FREE_LEFT));
        chunk = block + HEADER + payload;
        store<usize>(chunk, rest - HEADER);
      } else {
        chunk = 0; // too little would be left: the whole rest goes out
      }
      return block + HEADER;
    }
    freeToTlsf(block + HEADER); // too small for this block: back to TLSF, merged with free neighbours
  }
  block = allocateFromTlsf(max<usize>(CHUNK_BYTES, payload)) - HEADER;
  chunk = block;
  return carve(payload);
}

export function freeBlock(ptr: usize): void {
  const cls = ((load<usize>(ptr - 4) & ~3) + 4) >> 4;
  if (cls < CLASSES) {
    const list = lists + (cls << 3);
    const n = load<u32>(list, 4);
    if (n < LIST_LIMIT && n * (<u32>cls << 4) < LIST_BYTES) {
      store<usize>(ptr, load<usize>(list));
      store<usize>(list, ptr);
      store<u32>(list, n + 1, 4);
      return;
    }
  }
  freeToTlsf(ptr);
}
