// The emulator's byte append (host/wasm/bytes.ts concat), which buffers a body chunk by chunk
// while a filter pauses on it: every result holds exactly its bytes, an older result is never
// changed by a later append, and a body built from many chunks is copied O(n) in all, not O(n²).
import { describe, expect, it } from "vitest";
import { concat, EMPTY } from "../../host/wasm/bytes.js";

const bytes = (...values: number[]) => new Uint8Array(values);

describe("concat", () => {
  it("gives a then b, and leaves both as they were", () => {
    const a = bytes(1, 2);
    const b = bytes(3);
    expect([...concat(a, b)]).toEqual([1, 2, 3]);
    expect([...a]).toEqual([1, 2]);
    expect([...concat(EMPTY, b)]).toEqual([3]);
    expect(concat(EMPTY, b)).not.toBe(b); // a copy: the caller may reuse its chunk
    expect(concat(a, EMPTY)).toBe(a);
  });

  it("never changes an older result: appending to it again copies instead of writing over the newer one", () => {
    const first = concat(EMPTY, bytes(1, 2, 3, 4));
    const second = concat(first, bytes(5)); // grows into fresh room
    const third = concat(second, bytes(6)); // in place, in second's buffer
    expect(third.buffer).toBe(second.buffer);
    const branch = concat(second, bytes(9)); // second is no longer the newest result of its buffer
    expect(branch.buffer).not.toBe(second.buffer);
    expect([...third]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...branch]).toEqual([1, 2, 3, 4, 5, 9]);
    expect([...second]).toEqual([1, 2, 3, 4, 5]);
    expect([...first]).toEqual([1, 2, 3, 4]);
  });

  it("builds a 16 MiB body from 1,024 chunks of 16 KiB in a logarithmic number of buffers", () => {
    const chunk = new Uint8Array(16 * 1024);
    let body: Uint8Array = EMPTY;
    const buffers = new Set<ArrayBufferLike>();
    for (let i = 0; i < 1024; i++) {
      chunk.fill(i & 0xff);
      body = concat(body, chunk);
      buffers.add(body.buffer);
    }
    expect(body.length).toBe(16 * 1024 * 1024);
    expect(buffers.size).toBeLessThanOrEqual(12); // each new buffer at least doubles: log2(1024) + 2
    for (const i of [0, 1, 511, 1023]) expect(body[i * 16 * 1024]).toBe(i & 0xff);
  });
});
