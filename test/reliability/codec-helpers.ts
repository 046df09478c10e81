// The codec probe (test/filters/codec-probe.ts) in the emulator, and reference codecs in plain
// JS for the property-based tests: what the SDK must answer for any input.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Host, type Plugin, type Vm } from "../../host/index.js";

export const CODEC_PROBE = readFileSync(fileURLToPath(new URL("../build/codec-probe.wasm", import.meta.url)));

/**
 * One plugin of the probe per mode, reused across runs; a fresh VM replaces one that trapped
 * (the trap itself fails the run that caused it).
 */
export class Probe {
  host = new Host();
  private vm: Vm | null = null;
  private plugins = new Map<string, Plugin>();

  async start(): Promise<this> {
    this.vm = await this.host.loadVm(CODEC_PROBE);
    this.plugins.clear();
    return this;
  }

  async plugin(mode: string): Promise<Plugin> {
    if (!this.vm || this.vm.failure) await this.start();
    let p = this.plugins.get(mode);
    if (!p) {
      p = this.vm!.startPlugin({ rootId: mode });
      this.plugins.set(mode, p);
    }
    return p;
  }

  /** A new plugin with this configuration (root id "json"): the JSON reader's verdict. */
  async json(
    configuration: string | Uint8Array,
  ): Promise<{ configured: boolean; logs: { level: string; message: string }[] }> {
    if (!this.vm || this.vm.failure) await this.start();
    this.host.clearLogs();
    const p = this.vm!.startPlugin({ rootId: "json", configuration });
    return { configured: p.configured, logs: this.host.logs.map(({ level, message }) => ({ level, message })) };
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Whether bytes are valid UTF-8. */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * The header-map decoding every SDK must do: zero bytes is the empty map; otherwise a u32 count,
 * count × (name length, value length), then each name and value followed by one byte (NUL);
 * null when any part does not fit (whatever the count claims). Extra bytes at the end are ignored.
 */
export function referenceDecode(bytes: Uint8Array): Uint8Array[][] | null {
  if (bytes.length === 0) return [];
  if (bytes.length < 4) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = dv.getUint32(0, true);
  if (4 + count * 8 > bytes.length) return null;
  let at = 4 + count * 8;
  const out: Uint8Array[][] = [];
  for (let i = 0; i < count; i++) {
    const nl = dv.getUint32(4 + i * 8, true),
      vl = dv.getUint32(8 + i * 8, true);
    if (at + nl + 1 > bytes.length) return null;
    const name = bytes.subarray(at, at + nl);
    at += nl + 1;
    if (at + vl + 1 > bytes.length) return null;
    const value = bytes.subarray(at, at + vl);
    at += vl + 1;
    out.push([name, value]);
  }
  return out;
}

/** Encodes byte pairs in the header-map format. */
export function encodeBytePairs(pairs: Uint8Array[][]): Uint8Array {
  let size = 4 + pairs.length * 8;
  for (const [n, v] of pairs) size += n.length + v.length + 2;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, pairs.length, true);
  let at = 4 + pairs.length * 8;
  pairs.forEach(([n, v], i) => {
    dv.setUint32(4 + i * 8, n.length, true);
    dv.setUint32(8 + i * 8, v.length, true);
    out.set(n, at);
    at += n.length + 1;
    out.set(v, at);
    at += v.length + 1;
  });
  return out;
}

/** Splits data into chunks at the given cut points (empty chunks included). */
export function chunks(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = cuts.map((c) => Math.min(data.length, Math.max(0, c))).sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(data.subarray(prev, p));
    prev = p;
  }
  out.push(data.subarray(prev));
  return out;
}
