// Where the time and the calls go. Two views:
// - host calls per stream: every import call (and every host→module allocation through
//   malloc/proxy_on_memory_allocate) counted by name, per contender and workload;
// - a V8 CPU profile of the 10-header stream lifecycle (node --cpu-prof, in a child process),
//   self time grouped into the filter's wasm functions (by name when the module has a name
//   section), the emulator's JavaScript and the rest.
// As a script: `node profile.mjs WASM ROOT_ID SECONDS` runs the lifecycle (for --cpu-prof).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { WORKLOADS } from "./workloads.mjs";

const SELF = fileURLToPath(import.meta.url);

/** Host calls per iteration of each workload, by import name, for each contender. */
export async function countHostCalls(contenders, iterations = 200) {
  const original = WebAssembly.instantiate;
  let counts = new Map();
  const bump = (name) => counts.set(name, (counts.get(name) ?? 0) + 1);
  WebAssembly.instantiate = async (module, imports) => {
    if (!(module instanceof WebAssembly.Module)) return original(module, imports); // e.g. binaryen's own
    const wrapped = {};
    for (const [mod, fns] of Object.entries(imports)) {
      wrapped[mod] = Object.fromEntries(
        Object.entries(fns).map(([name, fn]) => [
          name,
          (...args) => {
            bump(name);
            return fn(...args);
          },
        ]),
      );
    }
    const instance = await original(module, wrapped);
    const exports = {};
    for (const name of Object.getOwnPropertyNames(instance.exports)) exports[name] = instance.exports[name];
    for (const name of ["malloc", "proxy_on_memory_allocate"]) {
      const fn = instance.exports[name];
      if (typeof fn === "function")
        exports[name] = (n) => {
          bump(`${name} (host→module allocation)`);
          return fn(n);
        };
    }
    return { exports };
  };
  const result = {};
  try {
    for (const w of WORKLOADS) {
      result[w.id] = {};
      for (const c of contenders) {
        const bench = await w.setup(c);
        bench.run(iterations); // reach the steady state first
        counts = new Map();
        bench.run(iterations);
        result[w.id][c.id] = Object.fromEntries([...counts].sort().map(([k, v]) => [k, v / iterations]));
      }
    }
  } finally {
    WebAssembly.instantiate = original;
  }
  return result;
}

/** Self time by category and the top functions, from a --cpu-prof profile of the lifecycle. */
export function cpuProfile(wasmPath, rootId, seconds) {
  const dir = mkdtempSync(join(tmpdir(), "bench-prof-"));
  try {
    const out = spawnSync(
      process.execPath,
      ["--cpu-prof", "--cpu-prof-dir", dir, SELF, wasmPath, rootId, String(seconds)],
      { encoding: "utf8" },
    );
    if (out.status !== 0) throw new Error(`profiling ${wasmPath} failed:\n${out.stderr}`);
    const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
    return summarizeProfile(JSON.parse(readFileSync(join(dir, file), "utf8")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function summarizeProfile(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const categories = new Map();
  const functions = new Map();
  let total = 0;
  let inLoop = 0;
  for (const [id, us] of self) {
    const { functionName, url } = byId.get(id).callFrame;
    const category = url.startsWith("wasm://")
      ? "filter (wasm)"
      : url.includes("/dist/host/")
        ? "emulator (JavaScript)"
        : functionName === "(garbage collector)"
          ? "garbage collector (JavaScript heap)"
          : functionName === "(program)" || functionName === "(idle)"
            ? "other"
            : url.includes("/bench/")
              ? "harness"
              : "other";
    total += us;
    if (category !== "other") inLoop += us;
    categories.set(category, (categories.get(category) ?? 0) + us);
    const key =
      category === "filter (wasm)" || category === "emulator (JavaScript)"
        ? `${category}: ${functionName || "(anonymous)"}`
        : null;
    if (key) functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const share = (us) => us / inLoop;
  return {
    categories: [...categories]
      .filter(([k]) => k !== "other")
      .map(([k, us]) => ({ name: k, share: share(us) }))
      .sort((a, b) => b.share - a.share),
    top: [...functions]
      .map(([k, us]) => ({ name: k, share: share(us) }))
      .sort((a, b) => b.share - a.share)
      .slice(0, 8),
    topFilter: [...functions]
      .filter(([k]) => k.startsWith("filter"))
      .map(([k, us]) => ({ name: k, share: share(us) }))
      .sort((a, b) => b.share - a.share)
      .slice(0, 10),
    sampledMs: total / 1000,
  };
}

if (process.argv[1] === SELF) {
  const [wasmPath, rootId, seconds] = process.argv.slice(2);
  const w = WORKLOADS.find((x) => x.id === "lifecycle-10");
  const bench = await w.setup({ id: "profiled", rootId, wasm: () => wasmPath });
  const end = Date.now() + Number(seconds) * 1000;
  while (Date.now() < end) bench.run(1000);
}
