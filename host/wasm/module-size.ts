// A cap on the size of a module loadVm reads: a filter is kilobytes to a few megabytes (a debug
// build with DWARF tens of megabytes), so a module of hundreds of megabytes is a mistake or an
// attack, and reading it whole would hold that much memory before anything could refuse it.
// A file is measured before it is read. Envoy reads any size; HostOptions.maxModuleBytes raises
// the cap up to V8's own limit for a module (1 GiB, kV8MaxWasmModuleSize).
import { readFile, stat } from "node:fs/promises";

export const DEFAULT_MAX_MODULE_BYTES = 128 * 1024 * 1024;
export const MAX_MODULE_BYTES = 1024 * 1024 * 1024;

function tooLarge(what: string, size: number, max: number): Error {
  return new RangeError(
    `Failed to load Wasm module: ${what} is ${size} bytes, more than the host's maxModuleBytes (${max}); ` +
      `raise it with new Host({ maxModuleBytes }) if the module is meant to be that large`,
  );
}

/** The module's bytes (read from the file when given a path), refused above maxBytes. */
export async function readModule(source: Uint8Array | ArrayBuffer | string, maxBytes: number): Promise<Uint8Array> {
  if (typeof source === "string") {
    const { size } = await stat(source);
    if (size > maxBytes) throw tooLarge(source, size, maxBytes);
    const file = await readFile(source);
    return new Uint8Array(file.buffer, file.byteOffset, file.length); // a view: no second copy
  }
  const bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
  if (bytes.length > maxBytes) throw tooLarge("the module", bytes.length, maxBytes);
  return bytes;
}
