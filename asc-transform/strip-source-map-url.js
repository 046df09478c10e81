// An asc transform used by the SDK's asconfig.json: asc writes the source map beside the .wasm
// (build/filter.wasm.map, which the emulator uses to name the TypeScript line of a trap) but
// also embeds a sourceMappingURL custom section in the .wasm. A proxy has no use for it, so it
// is dropped: the shipped .wasm is byte for byte what a build without a source map gives.

/** The module without its custom sections named `name` (asc appends this one last). */
export function withoutCustomSection(bytes, name) {
  const parts = [bytes.subarray(0, 8)];
  let pos = 8;
  const uleb = () => {
    let result = 0, scale = 1, byte;
    do {
      byte = bytes[pos++];
      result += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte & 0x80);
    return result;
  };
  while (pos < bytes.length) {
    const start = pos;
    const id = bytes[pos++];
    const size = uleb();
    const end = pos + size;
    let keep = true;
    if (id === 0) {
      const length = uleb();
      keep = new TextDecoder().decode(bytes.subarray(pos, pos + length)) !== name;
    }
    if (keep) parts.push(bytes.subarray(start, end));
    pos = end;
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export default class StripSourceMapUrl {
  afterCompile(module) {
    const emit = module.emitBinary;
    // asc asks for the binary and its source map in one call, with the map's URL.
    module.emitBinary = (url) => {
      const out = emit(url);
      if (url === undefined) return out;
      return { binary: withoutCustomSection(out.binary, "sourceMappingURL"), sourceMap: out.sourceMap };
    };
  }
}
