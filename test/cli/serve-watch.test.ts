// `serve --watch`: a real project (under test/build, so proxy-wasm-as resolves from the
// repository's node_modules) is edited while serve runs; each rebuild is awaited through the
// watcher's own events (bounded), never through sleeps tuned to this machine.
import { once } from "node:events";
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import asc from "assemblyscript/asc";
import { afterEach, describe, expect, it } from "vitest";
import type { Watcher } from "../../cli/serve/watch.js";
import { repo, request, runCli, serveFilter, type Served, upstream } from "./helpers.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

const filter = (version: string) => `export * from "proxy-wasm-as/assembly/proxy";
import { Action, HttpContext, PluginContext, registerPlugin, responseHeaders } from "proxy-wasm-as/assembly";

class Versioned extends HttpContext {
  onResponseHeaders(numHeaders: u32, endOfStream: bool): Action {
    responseHeaders.add("x-version", "${version}");
    return Action.Continue;
  }
}

class Plugin extends PluginContext {
  newHttpContext(contextId: u32): HttpContext { return new Versioned(contextId); }
}

registerPlugin((contextId: u32): PluginContext => new Plugin(contextId));
`;

function project(): string {
  mkdirSync(join(repo, "test", "build"), { recursive: true });
  const dir = mkdtempSync(join(repo, "test", "build", "watch-"));
  mkdirSync(join(dir, "assembly"));
  writeFileSync(
    join(dir, "asconfig.json"),
    JSON.stringify({
      extends: "proxy-wasm-as/asconfig.json",
      entries: ["assembly/index.ts"],
      targets: { release: { outFile: "build/filter.wasm" } },
    }),
  );
  writeFileSync(join(dir, "assembly", "index.ts"), filter("1"));
  cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The watcher's next event of that name, or an error after a bound far above a build's time. */
async function next(watcher: Watcher, event: "built" | "failed"): Promise<unknown> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 90_000);
  try {
    return (await once(watcher, event, { signal: ac.signal }))[0];
  } finally {
    clearTimeout(timer);
  }
}

describe("serve --watch", () => {
  it("rebuilds on a source change and serves the new filter on the same listener; a failed build keeps the last good one", async () => {
    const dir = project();
    // The first build only has to serve version 1, unoptimized (quick); the rebuilds under test
    // are the watcher's, with the project's own options.
    const built = await asc.main(
      [
        "assembly/index.ts",
        "--baseDir",
        dir,
        "--config",
        "asconfig.json",
        "--target",
        "release",
        "--optimizeLevel",
        "0",
        "--shrinkLevel",
        "0",
      ],
      { stdout: { write: () => true } as never },
    );
    expect(built.error).toBeNull();
    const u = await upstream();
    cleanup.push(u.close);
    const s: Served = await serveFilter([join(dir, "build", "filter.wasm"), "--upstream", u.url, "--watch"]);
    cleanup.push(s.close);
    const watcher = s.handle.watcher!;
    expect(watcher.project.target).toBe("release");
    expect((await request(`${s.url}/`)).headers["x-version"]).toBe("1");

    const rebuilt = next(watcher, "built");
    writeFileSync(join(dir, "assembly", "index.ts"), filter("2"));
    await rebuilt;
    expect((await request(`${s.url}/`)).headers["x-version"]).toBe("2");
    expect(s.output()).toMatch(/\[serve\] assembly\/index\.ts changed: rebuilding/);
    expect(s.output()).toMatch(/\[serve\] rebuilt \(\d+ bytes, \d+ ms\): new streams use it, the listener stayed open/);

    const failed = next(watcher, "failed");
    // As many editors save: a temporary file renamed over the source.
    writeFileSync(join(dir, "assembly", ".index.ts.tmp"), filter("3").replace('"3")', "3)")); // a number where a string is due
    renameSync(join(dir, "assembly", ".index.ts.tmp"), join(dir, "assembly", "index.ts"));
    const message = String(await failed);
    expect(message).toMatch(/ERROR/);
    expect(message).toContain("assembly/index.ts");
    expect(s.output()).toContain("the build failed; the last good filter keeps serving");
    expect((await request(`${s.url}/`)).headers["x-version"]).toBe("2");
  }, 200_000);

  it("needs the project's asconfig.json above the served .wasm", async () => {
    const r = await runCli(
      "serve",
      `${repo}test/build/add-header.wasm`,
      "--upstream",
      "http://127.0.0.1:1",
      "--watch",
      "--listen",
      "127.0.0.1:0",
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /--watch: neither a target of .*asconfig\.json nor an asc command of package.json writes test\/build\/add-header\.wasm/,
    );
  });
});

/** A new project folder whose asconfig.json only extends the SDK's and names build/filter.wasm. */
function projectWithSdkConfig(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(
    join(dir, "asconfig.json"),
    JSON.stringify({ extends: "proxy-wasm-as/asconfig.json", targets: { release: { outFile: "build/filter.wasm" } } }),
  );
  return dir;
}

describe("serve --watch: which build writes the served file", () => {
  it("several filters in one project: the package.json script whose asc command writes it", async () => {
    const { findProject } = await import("../../cli/serve/watch.js");
    const dir = projectWithSdkConfig("pwas-watch-project-");
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({
        scripts: {
          build:
            "asc assembly/index.ts --config asconfig.json --target release && proxy-wasm-as check build/filter.wasm && npm run build:auth",
          "build:auth":
            "asc assembly/auth/index.ts --config asconfig.json --target release --outFile build/auth.wasm && proxy-wasm-as check build/auth.wasm",
        },
      }),
    );
    expect(findProject(join(dir, "build", "auth.wasm"))).toEqual({
      dir,
      config: join(dir, "asconfig.json"),
      target: "release",
      entries: ["assembly/auth/index.ts"],
      outFile: "build/auth.wasm",
    });
    expect(findProject(join(dir, "build", "filter.wasm"))).toEqual({
      dir,
      config: join(dir, "asconfig.json"),
      target: "release",
      entries: ["assembly/index.ts"],
    });
  });

  it("a project built by proxy-wasm-as build: assembly/NAME/index.ts writes build/NAME.wasm", async () => {
    const { findProject } = await import("../../cli/serve/watch.js");
    const dir = projectWithSdkConfig("pwas-watch-layout-");
    writeFileSync(join(dir, "package.json"), JSON.stringify({ scripts: { build: "proxy-wasm-as build" } }));
    mkdirSync(join(dir, "assembly", "auth"), { recursive: true });
    writeFileSync(join(dir, "assembly", "auth", "index.ts"), "");
    expect(findProject(join(dir, "build", "auth.wasm"))).toEqual({
      dir,
      config: join(dir, "asconfig.json"),
      target: "release",
      entries: ["assembly/auth/index.ts"],
      outFile: "build/auth.wasm",
    });
    expect(() => findProject(join(dir, "build", "other.wasm"))).toThrow(/neither a target/);
  });
});
