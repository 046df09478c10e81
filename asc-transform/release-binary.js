// An asc transform used by the SDK's asconfig.json; it shapes the .wasm a release build writes:
//
// - The source map stays beside the .wasm (build/filter.wasm.map: the emulator names the
//   TypeScript line of a trap with it), but asc would also embed a sourceMappingURL custom
//   section in the .wasm. A proxy has no use for it, so it is dropped: the .wasm is byte for
//   byte what a build without a source map writes.
// - "converge" re-optimizes until a round stops shrinking the module; when the last round made
//   it bigger, asc prints "Last converge was suboptimal." and writes the bigger one. The
//   smallest round's binary (and its source map) is written instead, and the line dropped.
//   The SDK's asconfig.json leaves converge off (measured on four examples: it saved 5 to 17
//   bytes of about 20 KB, under 0.1%, for 22-41% more compile time); a project that turns it
//   on still gets the smallest round.

/** The module without its custom sections named `name`. */
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
  return new Uint8Array(Buffer.concat(parts));
}

const SUBOPTIMAL = "Last converge was suboptimal.";
const FILTERED = Symbol.for("proxy-wasm-as.release-binary.filtered");

export default class ReleaseBinary {
  afterCompile(module) {
    const stderr = this.stderr;
    if (stderr && typeof stderr.write === "function" && !stderr[FILTERED]) {
      const write = stderr.write;
      stderr.write = function (chunk, ...rest) {
        if (String(chunk).startsWith(SUBOPTIMAL)) return true;
        return write.call(this, chunk, ...rest);
      };
      stderr[FILTERED] = true;
    }
    const emit = module.emitBinary;
    let smallest = null;
    module.emitBinary = (url) => {
      // asc's converge rounds call without an argument and only compare sizes; its final call
      // passes the map's URL (or null without --sourceMap) and writes what it gets.
      if (url === undefined) {
        const round = emit("round.wasm.map");
        const binary = withoutCustomSection(round.binary, "sourceMappingURL");
        if (!smallest || binary.length < smallest.binary.length) smallest = { binary, sourceMap: round.sourceMap };
        return binary;
      }
      const out = emit(url);
      const binary = url ? withoutCustomSection(out.binary, "sourceMappingURL") : out.binary;
      if (smallest && smallest.binary.length < binary.length) return { binary: smallest.binary, sourceMap: url ? smallest.sourceMap : "" };
      return { binary, sourceMap: out.sourceMap };
    };
  }
}
