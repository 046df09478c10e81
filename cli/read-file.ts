// Reading the user's files: a missing file, a directory or a file that is not wasm is one clear
// UsageError, shared by serve, package and check.
import { readFile } from "node:fs/promises";
import { UsageError } from "./options.js";

/** Why a file could not be read, in a few words. */
export function whyUnreadable(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === "ENOENT"
    ? "no such file"
    : code === "EISDIR"
      ? "is a directory"
      : code === "EACCES"
        ? "permission denied"
        : (e as Error).message;
}

/** Reads a .wasm file: one clear UsageError when it is missing or not WebAssembly. */
export async function readWasmFile(file: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw new UsageError(`${file}: cannot read the file: ${whyUnreadable(e)}`);
  }
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new UsageError(`${file}: not a WebAssembly module (no \\0asm header)`);
  }
  return bytes;
}
