// Bounds-checked access to the module's linear memory. Every pointer and length that comes
// from the module goes through here; a miss is reported to the caller (INVALID_MEMORY_ACCESS),
// never thrown. Views are re-taken after each allocation because memory.grow detaches them.

const decoder = new TextDecoder();

export class WasmMemory {
  constructor(
    private readonly memory: WebAssembly.Memory,
    /** The module's allocator (malloc, else proxy_on_memory_allocate); 0 means failure. */
    private readonly allocate: (size: number) => number,
  ) {}

  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  private ok(ptr: number, len: number): boolean {
    return ptr >= 0 && len >= 0 && ptr + len <= this.memory.buffer.byteLength;
  }

  /** A copy of [ptr, ptr+len), or null when out of bounds. */
  read(ptr: number, len: number): Uint8Array | null {
    ptr >>>= 0;
    len >>>= 0;
    if (!this.ok(ptr, len)) return null;
    return new Uint8Array(this.memory.buffer, ptr, len).slice();
  }

  readString(ptr: number, len: number): string | null {
    const b = this.read(ptr, len);
    return b === null ? null : decoder.decode(b);
  }

  write(ptr: number, data: Uint8Array): boolean {
    ptr >>>= 0;
    if (!this.ok(ptr, data.length)) return false;
    new Uint8Array(this.memory.buffer, ptr, data.length).set(data);
    return true;
  }

  writeU32(ptr: number, value: number): boolean {
    ptr >>>= 0;
    if (!this.ok(ptr, 4)) return false;
    new DataView(this.memory.buffer).setUint32(ptr, value >>> 0, true);
    return true;
  }

  writeU64(ptr: number, value: bigint): boolean {
    ptr >>>= 0;
    if (!this.ok(ptr, 8)) return false;
    new DataView(this.memory.buffer).setBigUint64(ptr, BigInt.asUintN(64, value), true);
    return true;
  }

  readU32(ptr: number): number | null {
    ptr >>>= 0;
    if (!this.ok(ptr, 4)) return null;
    return new DataView(this.memory.buffer).getUint32(ptr, true);
  }

  /** Allocates inside the module and copies data there; returns the pointer or null. */
  alloc(data: Uint8Array): number | null {
    const ptr = this.allocate(data.length) >>> 0;
    if (ptr === 0 || !this.write(ptr, data)) return null;
    return ptr;
  }

  /**
   * cpp-host's copyToPointerSize: allocate + copy (only when non-empty), then write the pointer
   * (0 for empty data) and the size. False means some pointer was bad.
   */
  copyOut(data: Uint8Array, ptrPtr: number, sizePtr: number): boolean {
    let ptr = 0;
    if (data.length > 0) {
      const p = this.alloc(data);
      if (p === null) return false;
      ptr = p;
    }
    return this.writeU32(ptrPtr, ptr) && this.writeU32(sizePtr, data.length);
  }
}
