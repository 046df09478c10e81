// Finds the real-proxy kit (nginx + Kong's ngx_wasm_module sources and their build script, kept
// beside the repository in ../shared/realproxy) and builds it once per content: a build is kept
// in a cache folder named by a hash of everything it is made from, so a second run, or a
// `npm ci` that empties node_modules, does not rebuild.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The kit's folder, or null when this clone has none (a user's clone: the e2e group skips). */
export function findRealProxyKit(): string | null {
  const dir = process.env.PROXY_WASM_AS_REALPROXY ?? resolve(REPO, "..", "shared", "realproxy");
  return existsSync(join(dir, "build-nginx-wasm.sh")) && existsSync(join(dir, "sources")) ? dir : null;
}

/**
 * The two proxies the tests run: the kit's build (ngx_wasm_module with the kit's patches: the
 * ABI's `proxy_get_log_level` and two root-context crashes fixed) and stock ngx_wasm_module
 * (none of those patches; only the build script's own edits that let it compile against
 * Wasmtime 49, which change no Proxy-Wasm behaviour). Kong Gateway users run the stock one.
 */
export type Variant = "patched" | "stock";

const BUILD_BOUND_MS = 20 * 60_000;

function cacheRoot(): string {
  if (process.env.PROXY_WASM_AS_E2E_CACHE) return process.env.PROXY_WASM_AS_E2E_CACHE;
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache");
  return join(base, "proxy-wasm-as", "realproxy");
}

function patchesOf(kit: string, variant: Variant): string[] {
  if (variant === "stock") return [];
  const dir = join(kit, "patches");
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".patch"))
        .sort()
        .map((f) => join(dir, f))
    : [];
}

/** What the build is made of: the script, the sources, the patches it applies. */
function contentKey(kit: string, patches: string[]): string {
  const hash = createHash("sha256");
  const files = [
    join(kit, "build-nginx-wasm.sh"),
    ...readdirSync(join(kit, "sources"))
      .sort()
      .map((f) => join(kit, "sources", f)),
    ...patches,
  ];
  for (const file of files) hash.update(file.slice(kit.length)).update(readFileSync(file));
  return hash.digest("hex").slice(0, 16);
}

/**
 * The build script applies every patch in the patches/ folder beside it, so the stock build runs
 * it from a folder of links with an empty patches/ (the kit itself is read-only).
 */
function stockScriptFolder(kit: string, dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "patches"), { recursive: true });
  symlinkSync(join(kit, "build-nginx-wasm.sh"), join(dir, "build-nginx-wasm.sh"));
  symlinkSync(join(kit, "sources"), join(dir, "sources"));
  return dir;
}

function runBuild(script: string, out: string, logFile: string): Promise<void> {
  return new Promise((done, fail) => {
    const log = createWriteStream(logFile);
    const child = spawn("bash", [script], { env: { ...process.env, OUT: out }, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    const bound = setTimeout(() => child.kill("SIGKILL"), BUILD_BOUND_MS);
    child.on("error", fail);
    child.on("close", (code) => {
      clearTimeout(bound);
      if (code === 0) return done();
      const tail = existsSync(logFile) ? readFileSync(logFile, "utf8").split("\n").slice(-25).join("\n") : "";
      fail(
        new Error(
          `the real-proxy build failed (exit ${code}); log ${logFile}:\n${tail}\n` +
            "It needs build-essential libpcre2-dev zlib1g-dev libssl-dev unzip (see the kit's README.md).",
        ),
      );
    });
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Path of the nginx binary of `variant`, built now if no finished build of this content exists. */
export async function buildRealProxy(kit: string, variant: Variant): Promise<{ nginx: string; built: boolean }> {
  const patches = patchesOf(kit, variant);
  const out = join(cacheRoot(), `${variant}-${contentKey(kit, patches)}`);
  const nginx = join(out, "nginx", "sbin", "nginx");
  const complete = join(out, ".complete");
  if (existsSync(complete)) return { nginx, built: false };

  // One build at a time per folder (several clones may share the cache): a lock file holding
  // the builder's pid; a lock whose process is gone is taken over.
  mkdirSync(dirname(out), { recursive: true });
  const lock = `${out}.lock`;
  const started = Date.now();
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: "wx" });
      break;
    } catch {
      const holder = Number(readFileSync(lock, "utf8"));
      if (!processAlive(holder)) rmSync(lock, { force: true });
      else if (Date.now() - started > BUILD_BOUND_MS)
        throw new Error(`waited too long for the build locked by ${lock}`);
      else await new Promise((r) => setTimeout(r, 2000));
    }
    if (existsSync(complete)) return { nginx, built: false };
  }
  try {
    // nginx's rpath names the folder it was built in, so the build happens in place.
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const script =
      variant === "stock"
        ? join(stockScriptFolder(kit, `${out}.script`), "build-nginx-wasm.sh")
        : join(kit, "build-nginx-wasm.sh");
    await runBuild(script, out, `${out}.log`);
    // The sources tree is only needed while compiling.
    rmSync(join(out, "src"), { recursive: true, force: true });
    writeFileSync(complete, new Date().toISOString() + "\n");
    return { nginx, built: true };
  } finally {
    rmSync(lock, { force: true });
  }
}
