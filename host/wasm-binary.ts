// Rewrites the module's memory limits, so a filter that allocates without end gets a failed
// memory.grow, not a dead Node. (Reading a module is wasm-reader.ts's job.)

interface Section {
  id: number;
  /** Offset of the section id byte. */
  start: number;
  payloadStart: number;
  end: number;
}

class Reader {
  constructor(
    readonly b: Uint8Array,
    public o = 0,
  ) {}
  byte(): number {
    if (this.o >= this.b.length) throw new Error("unexpected end of wasm binary");
    return this.b[this.o++];
  }
  u32(): number {
    let result = 0, shift = 0, byte: number;
    do {
      byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return result;
  }
  limits(): { flags: number; min: number; max?: number } {
    const flags = this.byte();
    const min = this.u32();
    const max = flags & 1 ? this.u32() : undefined;
    return { flags, min, max };
  }
}

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

export function sections(bytes: Uint8Array): Section[] {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new Error("not a WebAssembly binary (bad magic)");
  }
  const r = new Reader(bytes, 8);
  const out: Section[] = [];
  while (r.o < bytes.length) {
    const start = r.o;
    const id = r.byte();
    const size = r.u32();
    out.push({ id, start, payloadStart: r.o, end: r.o + size });
    r.o += size;
  }
  return out;
}

/**
 * Returns a copy of the module whose defined memories may grow to at most maxPages (64 KiB
 * each). A module whose initial memory is already larger is rejected.
 */
export function capMemory(bytes: Uint8Array, maxPages: number): Uint8Array {
  const sec = sections(bytes).find((s) => s.id === 5);
  if (!sec) return bytes;
  const r = new Reader(bytes, sec.payloadStart);
  const n = r.u32();
  const payload: number[] = uleb(n);
  for (let i = 0; i < n; i++) {
    const { flags, min, max } = r.limits();
    if (flags & 4) throw new Error("64-bit memories are not supported by Proxy-Wasm hosts");
    if (min > maxPages) {
      throw new Error(`module's initial memory (${min} pages) exceeds the host's limit (${maxPages} pages)`);
    }
    const cap = max === undefined ? maxPages : Math.min(max, maxPages);
    payload.push(flags | 1, ...uleb(min), ...uleb(cap));
  }
  const body = Uint8Array.from(payload);
  const head = [5, ...uleb(body.length)];
  const out = new Uint8Array(sec.start + head.length + body.length + (bytes.length - sec.end));
  out.set(bytes.subarray(0, sec.start), 0);
  out.set(head, sec.start);
  out.set(body, sec.start + head.length);
  out.set(bytes.subarray(sec.end), sec.start + head.length + body.length);
  return out;
}
