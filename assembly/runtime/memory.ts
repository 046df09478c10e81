// Memory shared with the host: the allocator the host calls, the cells it writes results into,
// and a scratch area that carries string arguments to host calls without allocating.
import { isLiteral, literalCopy } from "./literals";
import { decodeUtf8, encodeUtf8 } from "./utf8";

/**
 * The host allocates through this whenever it hands data back (a `return_*` pointer). We give
 * it a managed ArrayBuffer, so the bytes become an ArrayBuffer with no copy; an untaken one is
 * simply garbage. A result the caller has room for (`expectResultAt`: a string decoded at once
 * goes to a static block, a body chunk to the caller's reused buffer) lands there instead, when
 * it fits: nothing to allocate, nothing to collect.
 * Exported by `proxy.ts` as both `proxy_on_memory_allocate` and `malloc`.
 */
export function allocateForHost(size: usize): usize {
  if (size - 1 < resultCapacity) { // 1 <= size <= capacity: a size-0 block is always managed
    resultCapacity = 0; // a host call returns one buffer; anything else is managed
    return resultTarget;
  }
  return __new(size, idof<ArrayBuffer>());
}

const TRANSIENT_CAPACITY: usize = 1024;
@lazy const TRANSIENT_BLOCK: usize = memory.data(<i32>TRANSIENT_CAPACITY, 16);
let resultTarget: usize = 0;
let resultCapacity: usize = 0; // 0: no room offered

// Two result cells in static memory: a pointer (or id, or value) and a size.
export const RESULT_PTR: usize = memory.data(16, 8);
export const RESULT_SIZE: usize = RESULT_PTR + 4;
/** An 8-byte cell for 64-bit results (metric values, time). */
export const RESULT_U64: usize = RESULT_PTR + 8;

/** Takes the buffer the host just returned through RESULT_PTR/RESULT_SIZE. */
export function takeResultBuffer(): ArrayBuffer {
  const ptr = load<usize>(RESULT_PTR);
  const size = load<u32>(RESULT_SIZE);
  if (ptr == 0 || size == 0) return new ArrayBuffer(0);
  const buffer = changetype<ArrayBuffer>(ptr);
  // A host may ask for more than it writes; trust the size it reported, not the block's.
  if (<u32>buffer.byteLength != size) return buffer.slice(0, <i32>size);
  return buffer;
}

/** Takes the bytes the host just returned, decoded as UTF-8. */
export function takeResultString(): string {
  resultCapacity = 0;
  const ptr = load<usize>(RESULT_PTR);
  const size = load<u32>(RESULT_SIZE);
  if (ptr == 0 || size == 0) return "";
  return decodeUtf8(ptr, size);
}

/** Clears the result cells, so a host that returns OK without writing them reads as empty. */
@inline export function clearResult(): void {
  resultCapacity = 0;
  store<u64>(RESULT_PTR, 0);
}

/**
 * `clearResult` for a call whose result is only read through `takeResultString`: the host's
 * bytes may go to the static block (see allocateForHost). Never before `takeResultBuffer`.
 */
@inline export function expectTransientResult(): void {
  expectResultAt(TRANSIENT_BLOCK, TRANSIENT_CAPACITY);
}

/** `clearResult` for a call whose result, when it fits in `capacity` bytes, goes to `target`. */
@inline export function expectResultAt(target: usize, capacity: usize): void {
  resultTarget = target;
  resultCapacity = capacity;
  store<u64>(RESULT_PTR, 0);
}

// --- Scratch: UTF-8 copies of string arguments, valid until the next `scratchReserve`.
let scratchStart: usize = 0;
let scratchCapacity: usize = 0;
let scratchUsed: usize = 0;
/** Byte length of the last string put into the scratch area. */
export let scratchLength: usize = 0;

/** Code units of `text` that need scratch room: none for a literal (see literals.ts). */
@inline export function unitsToEncode(text: string): usize {
  return isLiteral(text) ? 0 : <usize>text.length;
}

/** Makes room for `codeUnits` UTF-16 code units (3 UTF-8 bytes each at worst) and resets. */
export function scratchReserve(codeUnits: usize): void {
  scratchReserveBytes(codeUnits * 3);
}

/** Makes room for `needed` bytes and resets. */
export function scratchReserveBytes(needed: usize): void {
  if (needed > scratchCapacity) {
    if (scratchStart != 0) heap.free(scratchStart);
    // Grow geometrically so a few large arguments do not reallocate on every call.
    const capacity = max<usize>(needed, max<usize>(256, scratchCapacity << 1));
    scratchStart = heap.alloc(capacity);
    scratchCapacity = capacity;
  }
  scratchUsed = 0;
}

/**
 * `text` as UTF-8 for a host call: a literal's bytes come from the literal cache, any other
 * string is encoded into the reserved scratch area. Returns the pointer; the length is in
 * scratchLength.
 */
export function scratchPut(text: string): usize {
  if (isLiteral(text)) {
    const copy = literalCopy(text);
    scratchLength = <usize>load<u32>(copy);
    return copy + 4;
  }
  return scratchEncode(text);
}

/**
 * `text` encoded into the reserved scratch area (no literal cache: for log lines, which are
 * not worth keeping a copy of). Returns the pointer; the length is in scratchLength.
 */
export function scratchEncode(text: string): usize {
  const ptr = scratchStart + scratchUsed;
  const written = encodeUtf8(text, ptr);
  scratchUsed += written;
  scratchLength = written;
  return ptr;
}

/** Where the next bytes put into the scratch area go (see scratchAdvance). */
@inline export function scratchNext(): usize {
  return scratchStart + scratchUsed;
}

/** Records `written` bytes put at scratchNext() by the caller; their length goes to scratchLength. */
@inline export function scratchAdvance(written: usize): void {
  scratchUsed += written;
  scratchLength = written;
}

/** One byte appended to the scratch area (a separator between encoded strings); returns 1. */
export function scratchEncodeByte(byte: u8): usize {
  store<u8>(scratchStart + scratchUsed++, byte);
  return 1;
}

/** Byte length of the first string put by the last `scratchPutTwo`. */
export let scratchFirstLength: usize = 0;

/**
 * Reserves room for and encodes two strings: `first` at the returned pointer (its length in
 * scratchFirstLength) and `second` at scratchSecond (its length in scratchLength).
 */
export function scratchPutTwo(first: string, second: string): usize {
  scratchReserve(unitsToEncode(first) + unitsToEncode(second));
  const ptr = scratchPut(first);
  scratchFirstLength = scratchLength;
  scratchSecond = scratchPut(second);
  return ptr;
}

/** Pointer of the second string put by the last `scratchPutTwo`. */
export let scratchSecond: usize = 0;

/** Pointer and length of a byte buffer argument (null reads as empty). */
@inline export function bufferPtr(data: ArrayBuffer | null): usize {
  return data === null ? 0 : changetype<usize>(data);
}
@inline export function bufferSize(data: ArrayBuffer | null): usize {
  return data === null ? 0 : <usize>data.byteLength;
}
