// `proxy-wasm-as cost`: instructions per callback, per stream and per function, on two examples
// a user could have written (hello-world; http-auth, which dispatches an HTTP call the standard
// stream answers), on a scenario file, and the flame graph. The figures are exact counts, so the
// same run twice gives the same numbers.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import asc from "assemblyscript/asc";
import { describe, expect, it } from "vitest";
import { example, repo, runCli } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "cost-"));
const AUTH_CONFIG = JSON.stringify({ cluster: "auth" });

/** The example built with a name section (asc --debug), as the usage text tells users to. */
async function debugBuild(name: string): Promise<string> {
  const out = join(dir, `${name}.wasm`);
  const previous = process.cwd();
  process.chdir(`${repo}examples/${name}`);
  try {
    const { error } = await asc.main(["assembly/index.ts", "--config", "asconfig.json", "--debug", "-o", out], {
      stdout: { write() {} },
      stderr: { write() {} },
    } as never);
    if (error) throw error;
  } finally {
    process.chdir(previous);
  }
  return out;
}

const json = async (...args: string[]) => {
  const r = await runCli("cost", "--json", ...args);
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.out);
};

describe("proxy-wasm-as cost", () => {
  it("counts every callback of the standard stream of hello-world, the same twice", async () => {
    const a = await json("--streams", "20", example("hello-world"));
    expect(Object.keys(a.perCallback)).toEqual([
      "proxy_on_context_create",
      "proxy_on_request_headers",
      "proxy_on_request_body",
      "proxy_on_response_headers",
      "proxy_on_response_body",
      "proxy_on_log",
      "proxy_on_done",
      "proxy_on_delete",
    ]);
    for (const c of Object.values(a.perCallback)) expect(c).toBeGreaterThan(0);
    expect(a.perStream).toBe(Object.values(a.perCallback as Record<string, number>).reduce((x, y) => x + y, 0));
    expect(Object.keys(a.start)).toEqual(["proxy_on_context_create", "proxy_on_vm_start", "proxy_on_configure"]);
    const b = await json("--streams", "20", example("hello-world"));
    expect(b.perCallback).toEqual(a.perCallback);
  });

  it("names the SDK's functions from the name section of a --debug build, and says when there is none", async () => {
    const named = await runCli("cost", "--streams", "20", "--top", "5", await debugBuild("hello-world"));
    expect(named.code).toBe(0);
    expect(named.out).toMatch(/top functions per stream/);
    expect(named.out).toMatch(/proxy-wasm-as\/assembly\//);
    expect(named.out).not.toMatch(/no name section/);
    const release = await runCli("cost", "--streams", "5", example("hello-world"));
    expect(release.out).toMatch(/no name section: build with asc --debug/);
  });

  it("answers the HTTP call http-auth dispatches, so the stream resumes and its call response is counted", async () => {
    const r = await json("--streams", "10", "--configuration", AUTH_CONFIG, example("http-auth"));
    expect(r.perCallback.proxy_on_http_call_response).toBeGreaterThan(0);
    expect(r.perCallback.proxy_on_response_headers).toBeGreaterThan(0);
  });

  it("refuses a configuration the plugin rejects with exit status 1 and one line", async () => {
    const r = await runCli("cost", example("http-auth"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/refused its configuration/);
  });

  it("drives the streams of a scenario file instead", async () => {
    const scenario = join(dir, "scenario.json");
    writeFileSync(
      scenario,
      JSON.stringify({
        configuration: { cluster: "auth" },
        stream: [
          {
            requestHeaders: [
              [":method", "GET"],
              [":path", "/a"],
              [":authority", "x"],
            ],
            endOfStream: true,
          },
        ],
        httpCallResponse: { status: 403 },
      }),
    );
    const r = await json("--scenario", scenario, "--streams", "10", example("http-auth"));
    // A 403 from the auth service ends the stream with a local reply: no response headers from upstream.
    expect(r.perCallback.proxy_on_request_headers).toBeGreaterThan(0);
    expect(r.perCallback.proxy_on_http_call_response).toBeGreaterThan(0);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ stream: [{ requestHeadrs: [] }] }));
    const e = await runCli("cost", "--scenario", bad, example("http-auth"));
    expect(e.code).toBe(2);
    expect(e.err).toMatch(/stream step 1: expected one of requestHeaders/);
  });

  it("writes a flame graph whose boxes are the stream, its callbacks and their functions", async () => {
    const svg = join(dir, "flame.svg");
    const r = await runCli("cost", "--streams", "10", "--flame", svg, await debugBuild("hello-world"));
    expect(r.code).toBe(0);
    const text = readFileSync(svg, "utf8");
    expect(text).toMatch(/^<svg /);
    expect(text).toMatch(/<title>proxy_on_context_create: [\d,]+ instructions/);
    expect(text).toMatch(/<title>proxy-wasm-as\/assembly\/[^<]+: [\d,]+ instructions/);
  });

  it("rejects bad usage with exit status 2", async () => {
    expect((await runCli("cost")).code).toBe(2);
    expect((await runCli("cost", "--streams", "x", example("hello-world"))).code).toBe(2);
    expect((await runCli("cost", join(dir, "missing.wasm"))).code).toBe(2);
  });
});
