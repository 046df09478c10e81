// Global setup of the e2e group: builds the real proxies (or finds them built) once, before any
// test file runs, and hands their paths to the tests. Without the kit, one line says why the
// group is skipped.
import type { TestProject } from "vitest/node";
import { buildRealProxy, findRealProxyKit } from "./realproxy.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** nginx binaries, by variant; null when the kit is absent (the tests skip). */
    realProxy: { patched: string; stock: string } | null;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const kit = findRealProxyKit();
  if (kit === null) {
    console.log("e2e: skipped, no real-proxy kit (../shared/realproxy, or set PROXY_WASM_AS_REALPROXY to its folder)");
    project.provide("realProxy", null);
    return;
  }
  const started = Date.now();
  const patched = await buildRealProxy(kit, "patched");
  const stock = await buildRealProxy(kit, "stock");
  const what = patched.built || stock.built ? `built in ${Math.round((Date.now() - started) / 1000)} s` : "cached";
  console.log(`e2e: nginx 1.27.4 + ngx_wasm_module from ${kit} (${what}): ${patched.nginx}, ${stock.nginx}`);
  project.provide("realProxy", { patched: patched.nginx, stock: stock.nginx });
}
