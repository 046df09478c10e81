// What every e2e test does: start the servers, start nginx with one example's filter in front of
// them, run the test's requests, stop everything (also when the test fails).
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { Nginx, type FilterSpec, type NginxOptions } from "./nginx.js";
import { REPO } from "./realproxy.js";
import { Servers } from "./upstream.js";

export const realProxy = inject("realProxy");
export type Variant = "patched" | "stock";

/** The built filter of examples/NAME (built by `npm run build`, which test:e2e runs first). */
export const exampleWasm = (name: string) => join(REPO, "examples", name, "build", "filter.wasm");

/** One example, by name, as the filter `name` with `config`. */
export const example = (name: string, config: unknown = {}): FilterSpec => ({
  name: name.replace(/-/g, "_"), wasm: exampleWasm(name), config: typeof config === "string" ? config : JSON.stringify(config),
});

/**
 * examples/NAME built with `--use PROXY_WASM_AS_NO_GET_LOG_LEVEL=1` (no proxy_get_log_level
 * import: the build for stock ngx_wasm_module), into a temporary folder, once per test file.
 */
const portable = new Map<string, string>();
export function portableExampleWasm(name: string): string {
  let out = portable.get(name);
  if (out === undefined) {
    out = join(mkdtempSync(join(tmpdir(), "pwas-e2e-wasm-")), `${name}.wasm`);
    const asc = join(REPO, "node_modules", ".bin", "asc");
    execFileSync(asc, ["assembly/index.ts", "--config", "asconfig.json", "--target", "release", "-o", out, "--sourceMap", "false", "--use", "PROXY_WASM_AS_NO_GET_LOG_LEVEL=1"], { cwd: join(REPO, "examples", name), stdio: "pipe" });
    portable.set(name, out);
  }
  return out;
}

export interface Setup {
  /** Extra services the filter calls, started before nginx (their addresses go into its config). */
  services?: (servers: Servers) => Promise<void>;
  filters: (servers: Servers) => FilterSpec[];
  logLevel?: NginxOptions["logLevel"];
}

export async function withNginx(variant: Variant, setup: Setup, test: (nginx: Nginx, servers: Servers) => Promise<void>): Promise<void> {
  if (realProxy === null) throw new Error("no real proxy (the tests should have been skipped)");
  const servers = new Servers();
  let nginx: Nginx | null = null;
  try {
    const upstream = await servers.echo();
    await setup.services?.(servers);
    nginx = await Nginx.start(realProxy[variant], { filters: setup.filters(servers), upstream, logLevel: setup.logLevel });
    await test(nginx, servers);
  } finally {
    await nginx?.stop();
    await servers.close();
  }
}

/** The echo upstream's answer, parsed. */
export const echoed = (body: string) => JSON.parse(body) as { method: string; url: string; headers: Record<string, string>; body: string };
