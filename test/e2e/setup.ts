// Global setup of the e2e group: builds the real proxies (or finds them built) once, before any
// test file runs, and hands their paths to the tests. Without the kit, one line says why the
// group is skipped.
import asc from "assemblyscript/asc";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { buildRealProxy, findRealProxyKit, REPO } from "./realproxy.js";

/**
 * The examples that call getLogLevel, which stock ngx_wasm_module needs built without the import:
 * http-headers through the "kong" target of its asconfig.json (as its README says), grpc-auth
 * with the option on the command line.
 */
const PORTABLE_BUILDS: Record<string, string[]> = {
  "http-headers": ["--target", "kong"],
  "grpc-auth": ["--target", "release", "--use", "PROXY_WASM_AS_NO_GET_LOG_LEVEL=1"],
};

/** examples/NAME built without the proxy_get_log_level import into `dir`. */
async function buildWithoutLogLevelImport(name: string, dir: string): Promise<string> {
  const out = join(dir, `${name}.wasm`);
  const cwd = process.cwd();
  process.chdir(join(REPO, "examples", name)); // asc resolves the config's paths from here
  try {
    const args = ["assembly/index.ts", "--config", "asconfig.json", ...PORTABLE_BUILDS[name], "-o", out];
    const { error, stderr } = await asc.main(args, { stdout: { write: () => true } });
    if (error) throw new Error(`building ${name} without proxy_get_log_level failed: ${stderr.toString()}`);
  } finally {
    process.chdir(cwd);
  }
  return out;
}

declare module "vitest" {
  export interface ProvidedContext {
    /** nginx binaries, by variant; null when the kit is absent (the tests skip). */
    realProxy: { patched: string; stock: string } | null;
    /** Examples built without the proxy_get_log_level import, by name (see PORTABLE_BUILDS). */
    withoutLogLevelImport: Record<string, string>;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const kit = findRealProxyKit();
  project.provide("withoutLogLevelImport", {});
  if (kit === null) {
    console.log("e2e: skipped, no real-proxy kit (../shared/realproxy, or set PROXY_WASM_AS_REALPROXY to its folder)");
    project.provide("realProxy", null);
    return () => {};
  }
  const started = Date.now();
  const patched = await buildRealProxy(kit, "patched");
  const stock = await buildRealProxy(kit, "stock");
  const what = patched.built || stock.built ? `built in ${Math.round((Date.now() - started) / 1000)} s` : "cached";
  console.log(`e2e: nginx 1.27.4 + ngx_wasm_module from ${kit} (${what}): ${patched.nginx}, ${stock.nginx}`);
  project.provide("realProxy", { patched: patched.nginx, stock: stock.nginx });
  const dir = mkdtempSync(join(tmpdir(), "pwas-e2e-wasm-"));
  const builds: Record<string, string> = {};
  for (const name of Object.keys(PORTABLE_BUILDS)) builds[name] = await buildWithoutLogLevelImport(name, dir);
  project.provide("withoutLogLevelImport", builds);
  return () => rmSync(dir, { recursive: true, force: true });
}
