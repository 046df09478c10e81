// serve under a filter that loops forever (issue 24): the runaway request gets 503 and the log
// names the callback, a fresh VM serves the next request, the process still answers SIGTERM;
// a module whose _initialize loops fails startup with a message. The limits are driven low
// (--loop-limit) so each runaway is stopped after a few thousand iterations.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseServeArgs } from "../../cli/serve/args.js";
import { request, runCli, serveBin, serveFilter, upstream, type Served, type Upstream } from "../cli/helpers.js";
import { loopInInitialize, loopOnPath } from "./hostile-filters.js";

const tmp = mkdtempSync(join(tmpdir(), "pwas-hostile-loop-"));
let LOOPING: string;
let INIT_LOOP: string;

beforeAll(async () => {
  LOOPING = join(tmp, "loop.wasm");
  INIT_LOOP = join(tmp, "init-loop.wasm");
  writeFileSync(LOOPING, await loopOnPath());
  writeFileSync(INIT_LOOP, await loopInInitialize());
});

describe("serve --loop-limit", () => {
  let u: Upstream;
  let s: Served;
  beforeAll(async () => {
    u = await upstream();
    s = await serveFilter([LOOPING, "--upstream", u.url, "--loop-limit", "5000"]);
  });
  afterAll(async () => {
    await s?.close();
    await u?.close();
  });

  it("answers the runaway request 503, names the callback, and serves the next one on a fresh VM", async () => {
    expect((await request(`${s.url}/ok`)).status).toBe(200);
    const r = await request(`${s.url}/loop`);
    expect(r.status).toBe(503);
    expect(s.output()).toMatch(
      /\[serve\] the filter ran away in proxy_on_request_headers: proxy_on_request_headers ran past 5000 loop iterations and function calls \(--loop-limit\)/,
    );
    expect((await request(`${s.url}/ok-again`)).status).toBe(200);
    expect(s.output()).toContain("[serve] loaded a fresh VM");
    expect(u.seen.map((x) => x.url)).toEqual(["/ok", "/ok-again"]);
  });

  it("is on by default, grows with --buffer-limit, and 0 turns it off", async () => {
    const base = [LOOPING, "--upstream", "http://127.0.0.1:1"];
    expect(await parseServeArgs(base)).toMatchObject({ loopLimit: 104_857_600 }); // 100 × Envoy's 1 MiB
    // a filter may buffer more: a callback may work on more (100 a byte), never less than 100 million
    expect(await parseServeArgs([...base, "--buffer-limit", String(16 * 1024 * 1024)])).toMatchObject({
      loopLimit: 1_677_721_600,
    });
    expect(await parseServeArgs([...base, "--buffer-limit", "1000"])).toMatchObject({ loopLimit: 100_000_000 });
    expect(await parseServeArgs([...base, "--loop-limit", "0"])).toMatchObject({ loopLimit: null });
    const bad = await runCli("serve", ...base, "--loop-limit", "-5");
    expect([bad.code, bad.err.split("\n")[0]]).toEqual([
      2,
      "serve: option --loop-limit needs a value (for a value starting with -, write --loop-limit=VALUE)",
    ]);
    const nan = await runCli("serve", ...base, "--loop-limit", "many");
    expect(nan.err.split("\n")[0]).toBe(
      'serve: --loop-limit must be a whole number from 0 to 9007199254740991, got "many"',
    );
  });

  it("fails startup with a message when _initialize loops", async () => {
    const r = await runCli(
      "serve",
      INIT_LOOP,
      "--upstream",
      "http://127.0.0.1:1",
      "--listen",
      "127.0.0.1:0",
      "--loop-limit",
      "5000",
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^serve: .*init-loop\.wasm: the filter failed to load: _initialize ran past 5000 loop iterations and function calls \(--loop-limit\): it may loop forever\n$/,
    );
  });
});

describe("bin/proxy-wasm-as.js serve with a runaway filter", () => {
  it("still stops on SIGTERM after a runaway request", async () => {
    const u = await upstream();
    const p = await serveBin([LOOPING, "--upstream", u.url, "--loop-limit", "5000"]);
    try {
      expect((await request(`${p.url}/loop`)).status).toBe(503);
      expect(await p.stop()).toBe(0);
      expect(p.err()).toContain("ran away in proxy_on_request_headers");
      expect(p.out()).toContain("proxy-wasm-as serve: stopped");
    } finally {
      p.kill();
      await u.close();
    }
  });
});
