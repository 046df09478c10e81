// Text helpers a filter needs often and AssemblyScript's library serves poorly in a size-first
// build: with shrinkLevel > 0 (the SDK's default), `Array<string>.join` falls back to repeated
// concatenation (quadratic garbage), and `String.toLowerCase` brings ~8 KB of Unicode tables.

/** `parts` joined with `separator`, in one allocation. */
export function joinStrings(parts: string[], separator: string): string {
  const count = parts.length;
  if (count == 0) return "";
  let length = separator.length * (count - 1);
  for (let i = 0; i < count; i++) length += unchecked(parts[i]).length;
  const result = changetype<string>(__new(<usize>length << 1, idof<string>()));
  let at = changetype<usize>(result);
  const separatorBytes = <usize>separator.length << 1;
  for (let i = 0; i < count; i++) {
    if (i > 0 && separatorBytes > 0) {
      memory.copy(at, changetype<usize>(separator), separatorBytes);
      at += separatorBytes;
    }
    const part = unchecked(parts[i]);
    const bytes = <usize>part.length << 1;
    memory.copy(at, changetype<usize>(part), bytes);
    at += bytes;
  }
  return result;
}

/** ASCII letters lower-cased, everything else kept (header names are ASCII). */
export function asciiLowerCase(text: string): string {
  const length = text.length;
  const result = changetype<string>(__new(<usize>length << 1, idof<string>()));
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    store<u16>(changetype<usize>(result) + (<usize>i << 1), c >= 0x41 && c <= 0x5a ? c + 0x20 : c);
  }
  return result;
}
