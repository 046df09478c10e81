// Linear memory of a 2 MiB request body read, upper-cased, written back and logged with a
// prefix, through each body path of test/filters/body-lean.ts (built by `npm run build`):
// bytes (get, change in place, replace, logBytes), strings (getText, toUpperCase, replaceText,
// log of a concatenation) and chunks (readInto one reused 64 KiB buffer).
import { existsSync, readFileSync } from "node:fs";
import { at } from "./paths.mjs";

const { Host } = await import(at("dist/host/index.js"));
const MIB = 1024 * 1024;

export const BODY_PATHS = ["bytes", "string", "chunks"];

/** { path: { before, after } } in bytes, or null when the filter is not built. */
export async function measureBodyMemory() {
  const wasm = at("test/build/body-lean.wasm");
  if (!existsSync(wasm)) return null;
  const bytes = new Uint8Array(readFileSync(wasm));
  const body = new TextEncoder()
    .encode("the quick brown fox jumps over the lazy dog\n".repeat(Math.ceil((2 * MIB) / 44)))
    .subarray(0, 2 * MIB);
  const result = {};
  for (const path of BODY_PATHS) {
    const host = new Host({ record: false });
    const vm = await host.loadVm(bytes);
    const plugin = vm.startPlugin({ configuration: path });
    const before = vm.memoryBytes;
    const s = plugin.newHttpStream();
    s.requestHeaders([
      [":method", "POST"],
      [":path", "/"],
      [":authority", "bench"],
    ]);
    s.requestBody(body, true);
    s.complete();
    result[path] = { before, after: vm.memoryBytes, body: body.length };
  }
  return result;
}
