// Where the running proxy-wasm-as came from, as the dependency a new project should write so
// that `npm install` there fetches the same SDK: the registry version, the tarball or git URL npm
// installed it from (as npm recorded it in the lock file beside node_modules), or the folder it
// runs from (a checkout, or a folder dependency, which npm links).
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";

export type SdkSourceKind = "registry" | "tarball" | "folder" | "git" | "url";

export interface SdkSource {
  kind: SdkSourceKind;
  /** The value for `dependencies["proxy-wasm-as"]` of a project in `projectDir`. */
  spec: string;
  /** Why: what was found, for the message init prints. */
  from: string;
}

interface LockEntry {
  version?: string;
  resolved?: string;
  link?: boolean;
}

/** The lock entry npm wrote for the package at `packagePath` (`node_modules/...`) of `project`. */
function lockEntry(project: string, packagePath: string): LockEntry | null {
  // node_modules/.package-lock.json is what npm last installed there; package-lock.json what it meant to.
  for (const file of [join(project, "node_modules", ".package-lock.json"), join(project, "package-lock.json")]) {
    try {
      const lock = JSON.parse(readFileSync(file, "utf8")) as { packages?: Record<string, LockEntry> };
      const entry = lock.packages?.[packagePath];
      if (entry) return entry;
    } catch {
      // missing or unreadable: try the next
    }
  }
  return null;
}

/** `file:` + the path from `projectDir` to `target`, with forward slashes (as npm writes it). */
function fileSpec(projectDir: string, target: string): string {
  const rel = relative(projectDir, target).split(sep).join("/");
  return `file:${rel === "" ? "." : rel.startsWith(".") || isAbsolute(rel) ? rel : `./${rel}`}`;
}

/** Registry tarballs are named NAME/-/NAME-VERSION.tgz (npmjs.org and registries that mirror it). */
function isRegistryTarball(url: string, version: string): boolean {
  return /^https?:\/\//.test(url) && url.split("?")[0].endsWith(`/proxy-wasm-as/-/proxy-wasm-as-${version}.tgz`);
}

function fromLock(entry: LockEntry, lockProject: string, version: string, projectDir: string): SdkSource | null {
  const resolved = entry.resolved;
  if (!resolved) return null;
  if (resolved.startsWith("file:")) {
    const path = resolve(lockProject, resolved.slice("file:".length));
    const isFolder = existsSync(path) && statSync(path).isDirectory();
    if (!isFolder && !existsSync(path)) return null; // the tarball is gone: fall back to the registry
    return {
      kind: isFolder ? "folder" : "tarball",
      spec: fileSpec(projectDir, path),
      from: `the ${isFolder ? "folder" : "tarball"} ${path}`,
    };
  }
  if (/^git(\+[a-z]+)?:/.test(resolved) || resolved.startsWith("github:")) {
    return { kind: "git", spec: resolved, from: `git ${resolved}` };
  }
  if (isRegistryTarball(resolved, version)) {
    return { kind: "registry", spec: `^${version}`, from: `the registry (${version})` };
  }
  return { kind: "url", spec: resolved, from: `the tarball URL ${resolved}` };
}

/**
 * The source of the proxy-wasm-as installed at `root` (version `version`), as a dependency for a
 * project that will live in `projectDir`.
 */
export function sdkSource(root: string, version: string, projectDir: string): SdkSource {
  const registry: SdkSource = { kind: "registry", spec: `^${version}`, from: `the registry (${version})` };
  const real = realpathSync(root);
  const parts = real.split(sep);
  const installs = parts.map((p, i) => (p === "node_modules" ? i : -1)).filter((i) => i >= 0);
  if (installs.length === 0) {
    // Not installed by a package manager: a checkout or a linked folder dependency.
    return { kind: "folder", spec: fileSpec(projectDir, real), from: `the folder ${real}` };
  }
  // Innermost install first: a package nested in another's node_modules is still keyed from the top.
  for (const at of installs.reverse()) {
    const lockProject = parts.slice(0, at).join(sep) || sep;
    const key = parts.slice(at).join("/");
    const entry = lockEntry(lockProject, key);
    if (entry) return fromLock(entry, lockProject, version, projectDir) ?? registry;
  }
  // Installed without an npm lock entry (yarn, pnpm): the version is all that is known.
  return registry;
}
