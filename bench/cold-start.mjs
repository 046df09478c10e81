// Cold start: from the module's bytes to a started plugin (compile, instantiate, _initialize,
// proxy_on_context_create, proxy_on_vm_start, proxy_on_configure), in a fresh Node process per
// sample so no compiled code is cached. As a script: `node cold-start.mjs WASM ROOT_ID` prints
// the milliseconds.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { summarize } from "./measure.mjs";
import { at } from "./paths.mjs";

const SELF = fileURLToPath(import.meta.url);

async function once(wasmPath, rootId) {
  const { Host } = await import(at("dist/host/index.js"));
  const { HOST_OPTIONS, CONFIGURATION } = await import("./workloads.mjs");
  const bytes = new Uint8Array(readFileSync(wasmPath));
  const host = new Host(HOST_OPTIONS);
  const t0 = process.hrtime.bigint();
  const vm = await host.loadVm(bytes);
  const plugin = vm.startPlugin({ rootId, configuration: CONFIGURATION });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!plugin.configured) throw new Error(`${wasmPath}: the plugin did not start`);
  return ms;
}

/** Median cold start in ms for each contender's add-header filter, processes interleaved. */
export function measureColdStart(contenders, rounds) {
  const samples = new Map(contenders.map((c) => [c.id, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(r + k) % contenders.length];
      const out = spawnSync(process.execPath, [SELF, c.wasm("add-header"), c.rootId], { encoding: "utf8" });
      if (out.status !== 0) throw new Error(`cold start of ${c.id} failed:\n${out.stderr}`);
      samples.get(c.id).push(Number(out.stdout.trim()));
    }
  }
  return Object.fromEntries(contenders.map((c) => [c.id, summarize(samples.get(c.id))]));
}

if (process.argv[1] === SELF) {
  console.log(String(await once(process.argv[2], process.argv[3])));
}
