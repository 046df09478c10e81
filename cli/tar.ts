// A minimal ustar writer (regular files and directories), enough for OCI image layouts and
// image layers. Entries are written in the given order with fixed owner, mode and mtime so the
// same input always gives the same bytes (and the same digests).

export interface TarEntry {
  name: string;
  /** Absent for a directory. */
  data?: Uint8Array;
  mode?: number;
  /** Seconds since the epoch; default 0, for reproducible archives. */
  mtime?: number;
}

const BLOCK = 512;
const enc = new TextEncoder();

function writeString(h: Uint8Array, offset: number, length: number, value: string): void {
  const bytes = enc.encode(value);
  if (bytes.length > length) throw new Error(`tar: "${value}" is longer than ${length} bytes`);
  h.set(bytes, offset);
}

/** An octal number, NUL-terminated, zero-padded to the field. */
function writeOctal(h: Uint8Array, offset: number, length: number, value: number): void {
  const text = value.toString(8).padStart(length - 1, "0");
  if (text.length > length - 1) throw new Error(`tar: ${value} does not fit in ${length} bytes`);
  writeString(h, offset, length, text + "\0");
}

/** Splits a long path into ustar's prefix (155) and name (100) fields. */
function splitName(path: string): [string, string] {
  if (enc.encode(path).length <= 100) return ["", path];
  for (let i = path.lastIndexOf("/"); i > 0; i = path.lastIndexOf("/", i - 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (enc.encode(prefix).length <= 155 && enc.encode(name).length <= 100 && name.length > 0) return [prefix, name];
  }
  throw new Error(`tar: path too long for ustar: ${path}`);
}

function header(e: TarEntry): Uint8Array {
  const h = new Uint8Array(BLOCK);
  const dir = e.data === undefined;
  const [prefix, name] = splitName(dir && !e.name.endsWith("/") ? `${e.name}/` : e.name);
  writeString(h, 0, 100, name);
  writeOctal(h, 100, 8, e.mode ?? (dir ? 0o755 : 0o644));
  writeOctal(h, 108, 8, 0); // uid
  writeOctal(h, 116, 8, 0); // gid
  writeOctal(h, 124, 12, dir ? 0 : e.data!.length);
  writeOctal(h, 136, 12, e.mtime ?? 0);
  h.fill(0x20, 148, 156); // checksum field counts as spaces
  h[156] = dir ? 0x35 : 0x30; // '5' directory, '0' file
  writeString(h, 257, 6, "ustar\0");
  writeString(h, 263, 2, "00");
  writeString(h, 345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  writeString(h, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return h;
}

/** The archive: each entry's header and data (padded to 512 bytes), then two zero blocks. */
export function tar(entries: TarEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    parts.push(header(e));
    if (e.data && e.data.length > 0) {
      parts.push(e.data);
      const pad = (BLOCK - (e.data.length % BLOCK)) % BLOCK;
      if (pad) parts.push(new Uint8Array(pad));
    }
  }
  parts.push(new Uint8Array(BLOCK * 2));
  return new Uint8Array(Buffer.concat(parts));
}

/** Reads a ustar archive back (files and directories): for tests and checks. */
export function untar(
  bytes: Uint8Array,
): { name: string; type: "file" | "directory"; data: Uint8Array; mode: number }[] {
  const out: { name: string; type: "file" | "directory"; data: Uint8Array; mode: number }[] = [];
  const dec = new TextDecoder();
  const field = (h: Uint8Array, o: number, n: number) => dec.decode(h.subarray(o, o + n)).replace(/\0.*$/s, "");
  for (let at = 0; at + BLOCK <= bytes.length;) {
    const h = bytes.subarray(at, at + BLOCK);
    if (h.every((b) => b === 0)) break;
    const stored = parseInt(field(h, 148, 8).trim(), 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
    if (sum !== stored) throw new Error(`tar: bad header checksum at offset ${at}`);
    const prefix = field(h, 345, 155);
    const name = (prefix ? `${prefix}/` : "") + field(h, 0, 100);
    const size = parseInt(field(h, 124, 12) || "0", 8);
    const type = h[156] === 0x35 ? "directory" : "file";
    at += BLOCK;
    out.push({ name, type, data: bytes.slice(at, at + size), mode: parseInt(field(h, 100, 8), 8) });
    at += Math.ceil(size / BLOCK) * BLOCK;
  }
  return out;
}
