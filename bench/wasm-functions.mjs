// Where a module's bytes go: the size of each section, and of each function body with its name
// (from the name section, present in the profiling build of ours).
import { readFileSync } from "node:fs";

function reader(bytes) {
  let pos = 0;
  const u32 = () => {
    let result = 0,
      shift = 0,
      b;
    do {
      b = bytes[pos++];
      result |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    return result >>> 0;
  };
  return {
    u32,
    get pos() {
      return pos;
    },
    set pos(p) {
      pos = p;
    },
  };
}

const SECTION_NAMES = [
  "custom",
  "type",
  "import",
  "function",
  "table",
  "memory",
  "global",
  "export",
  "start",
  "element",
  "code",
  "data",
  "data count",
];

export function wasmFunctions(path) {
  const bytes = new Uint8Array(readFileSync(path));
  const r = reader(bytes);
  r.pos = 8;
  const sections = [];
  let importedFunctions = 0;
  let bodies = [];
  const names = new Map();
  while (r.pos < bytes.length) {
    const id = bytes[r.pos++];
    const size = r.u32();
    const start = r.pos;
    let name = SECTION_NAMES[id] ?? `section ${id}`;
    if (id === 0) {
      const n = r.u32();
      name = `custom "${new TextDecoder().decode(bytes.subarray(r.pos, r.pos + n))}"`;
      r.pos += n;
      if (name === 'custom "name"') {
        while (r.pos < start + size) {
          const sub = bytes[r.pos++];
          const subSize = r.u32();
          const subEnd = r.pos + subSize;
          if (sub === 1) {
            for (let count = r.u32(); count > 0; count--) {
              const index = r.u32();
              const len = r.u32();
              names.set(index, new TextDecoder().decode(bytes.subarray(r.pos, r.pos + len)));
              r.pos += len;
            }
          }
          r.pos = subEnd;
        }
      }
    } else if (id === 2) {
      for (let count = r.u32(); count > 0; count--) {
        for (let k = 0; k < 2; k++) r.pos += r.u32(); // module, name
        const kind = bytes[r.pos++];
        if (kind === 0) {
          r.u32();
          importedFunctions++;
        } else if (kind === 1) {
          r.pos++;
          const f = r.u32();
          r.u32();
          if (f & 1) r.u32();
        } else if (kind === 2) {
          const f = r.u32();
          r.u32();
          if (f & 1) r.u32();
        } else r.pos += 2;
      }
    } else if (id === 10) {
      for (let count = r.u32(), i = 0; i < count; i++) {
        const bodySize = r.u32();
        bodies.push({ index: importedFunctions + i, bytes: bodySize });
        r.pos += bodySize;
      }
    }
    sections.push({ name, bytes: size });
    r.pos = start + size;
  }
  bodies = bodies
    .map((b) => ({ ...b, name: names.get(b.index) ?? `function ${b.index}` }))
    .sort((a, b) => b.bytes - a.bytes);
  return { total: bytes.length, sections, functions: bodies };
}
