// What one filter build read, so that the next `npm run build` can tell whether building it
// again could change anything. asc reads every source and asconfig.json through the readFile
// hook it is given; each path it asked for is recorded with a hash of what it held, or null when
// it was absent (a file that appears later can change how an import resolves). The compiler,
// the transforms and the build's own arguments are part of the key too.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const hash = (data) => createHash("sha256").update(data).digest("hex");

/** A readFile for asc.main that remembers every path asked for in `seen` (path → hash or null). */
export function recordingReader(seen) {
  return async (name, baseDir) => {
    const path = resolve(baseDir, name);
    let text = null;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      // absent: asc tries several candidates for each import
    }
    seen[path] = text === null ? null : hash(text);
    return text;
  };
}

/** Whether every recorded path still holds what it held (or is still absent). */
export function unchanged(seen) {
  for (const [path, was] of Object.entries(seen)) {
    let now = null;
    try {
      now = hash(readFileSync(path, "utf8"));
    } catch {
      // still absent, or gone
    }
    if (now !== was) return false;
  }
  return true;
}

/** The hash of a file's bytes, or null when it does not exist. */
export function fileHash(path) {
  return existsSync(path) ? hash(readFileSync(path)) : null;
}

/** What every build depends on besides its sources: the compiler, binaryen, the SDK's transforms. */
export function toolchainKey(root) {
  // binaryen as asc loads it: its own copy if it has one, else the hoisted one
  const asc = join(root, "node_modules", "assemblyscript");
  const binaryen = [join(asc, "node_modules", "binaryen"), join(root, "node_modules", "binaryen")].find((d) =>
    existsSync(d),
  );
  const version = (dir) => (dir ? JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version : null);
  const transforms = join(root, "asc-transform");
  const transformHashes = existsSync(transforms)
    ? readdirSync(transforms)
        .sort()
        .map((f) => `${f}:${fileHash(join(transforms, f))}`)
    : [];
  return hash(JSON.stringify([version(asc), version(binaryen), transformHashes]));
}
