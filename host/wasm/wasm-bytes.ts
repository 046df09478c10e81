// A forward-only cursor over a wasm binary. Every read checks the bounds so a truncated
// file surfaces as a WasmReadError naming the offset, never as a RangeError or garbage.

export class WasmReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WasmReadError";
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export class ByteCursor {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.end) {
      // Past the file's end the file was cut short; past a section's end the section lies.
      const problem = this.end < this.bytes.length ? "malformed: the section ends" : "truncated: the file ends";
      throw new WasmReadError(`${problem} inside ${what} (offset ${this.pos})`);
    }
  }

  u8(what = "a byte"): number {
    this.need(1, what);
    return this.bytes[this.pos++];
  }

  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  // Unsigned LEB128. maxBytes 5 covers u32; 10 covers the u64 limits of memory64.
  varU(what = "an integer", maxBytes = 5): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < maxBytes; i++) {
      const b = this.u8(what);
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new WasmReadError(`malformed: ${what} is an over-long LEB128 integer (offset ${this.pos})`);
  }

  // Signed LEB128 (s33 heap types); returns a plain number.
  varS(what = "an integer", maxBytes = 5): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < maxBytes; i++) {
      const b = this.u8(what);
      result += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) return b & 0x40 ? result - scale : result;
    }
    throw new WasmReadError(`malformed: ${what} is an over-long LEB128 integer (offset ${this.pos})`);
  }

  name(what = "a name"): string {
    const len = this.varU(`the length of ${what}`);
    const raw = this.take(len, what);
    try {
      return utf8.decode(raw);
    } catch {
      throw new WasmReadError(`malformed: ${what} is not valid UTF-8 (offset ${this.pos - len})`);
    }
  }
}
