// What every e2e test does: start the servers, start nginx with one example's filter in front of
// them, run the test's requests, stop everything (also when the test fails).
import { join } from "node:path";
import { inject } from "vitest";
import { Nginx, type FilterSpec, type NginxOptions } from "./nginx.js";
import { REPO, type Variant } from "./realproxy.js";
import { Servers } from "./upstream.js";

export const realProxy = inject("realProxy");
export type { Variant };
/** Every test runs on both builds. */
export const VARIANTS: Variant[] = ["patched", "stock"];

/** The built filter of examples/NAME (built by `npm run build`, which test:e2e runs first). */
export const exampleWasm = (name: string) => join(REPO, "examples", name, "build", "filter.wasm");

/** One example, by name, as the filter `name` with `config`. */
export const example = (name: string, config: unknown = {}): FilterSpec => ({
  name: name.replace(/-/g, "_"),
  wasm: exampleWasm(name),
  config: typeof config === "string" ? config : JSON.stringify(config),
});

/** examples/NAME built without the proxy_get_log_level import (test/e2e/setup.ts builds it). */
export function portableExampleWasm(name: string): string {
  const wasm = inject("withoutLogLevelImport")[name];
  if (wasm === undefined) throw new Error(`${name} is not among the builds without proxy_get_log_level (setup.ts)`);
  return wasm;
}

export interface Setup {
  /** Extra services the filter calls, started before nginx (their addresses go into its config). */
  services?: (servers: Servers) => Promise<void>;
  filters: (servers: Servers) => FilterSpec[];
  logLevel?: NginxOptions["logLevel"];
  http?: (servers: Servers) => NginxOptions["http"];
}

export async function withNginx(
  variant: Variant,
  setup: Setup,
  test: (nginx: Nginx, servers: Servers) => Promise<void>,
): Promise<void> {
  if (realProxy === null) throw new Error("no real proxy (the tests should have been skipped)");
  const servers = new Servers();
  let nginx: Nginx | null = null;
  try {
    const upstream = await servers.echo();
    await setup.services?.(servers);
    nginx = await Nginx.start(realProxy[variant], {
      filters: setup.filters(servers),
      upstream,
      logLevel: setup.logLevel,
      http: setup.http?.(servers),
    });
    await test(nginx, servers);
  } finally {
    await nginx?.stop();
    await servers.close();
  }
}

/** The echo upstream's answer, parsed. */
export const echoed = (body: string) =>
  JSON.parse(body) as { method: string; url: string; headers: Record<string, string>; body: string };
