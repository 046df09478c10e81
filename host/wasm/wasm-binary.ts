// Rewrites the module's memory limits, so a filter that allocates without end gets a failed
// memory.grow, not a dead Node, and leaves out what V8 need not hold. (Reading a module is
// wasm-reader.ts's job.)

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
    let result = 0,
      shift = 0,
      byte: number;
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

/** An unsigned LEB128 number, as wasm writes sizes and counts. */
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

/** The name of a custom section (id 0) whose payload starts at `payloadStart`. */
function customName(bytes: Uint8Array, payloadStart: number): string {
  const r = new Reader(bytes, payloadStart);
  const length = r.u32();
  return new TextDecoder().decode(bytes.subarray(r.o, r.o + length));
}

/**
 * The module as the emulator compiles it, in one copy: its defined memories may grow to at most
 * maxPages (64 KiB each), and custom sections other than "name" (which gives V8's stack traces
 * their function names) are left out: they have no effect on what a module does, and a module
 * carrying a large one (DWARF, an embedded asset) would otherwise be held twice more by V8.
 * A module whose initial memory is already larger than maxPages is rejected.
 */
export function compilableModule(bytes: Uint8Array, maxPages: number): Uint8Array {
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  for (const sec of sections(bytes)) {
    if (sec.id === 0 && customName(bytes, sec.payloadStart) !== "name") continue;
    parts.push(sec.id === 5 ? cappedMemorySection(bytes, sec, maxPages) : bytes.subarray(sec.start, sec.end));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function cappedMemorySection(bytes: Uint8Array, sec: Section, maxPages: number): Uint8Array {
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
  return Uint8Array.from([5, ...uleb(payload.length), ...payload]);
}
