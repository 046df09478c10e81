// `serve` on bad input: one clear line, a status scripts can trust, never a stack trace;
// and the published entry point started and stopped as a user would.
import { spawnSync } from "node:child_process";
import http from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { wat } from "../check/wat.js";
import { example, repo, request, runCli, serveBin, upstream } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "pwas-serve-"));
const HEADERS = example("http-headers");

function expectOneLine(text: string) {
  expect(text).not.toMatch(/\n\s+at /);
  expect(text.trim().split("\n")[0]).toMatch(/^serve: /);
}

describe("serve: bad input", () => {
  it("prints its help with exit 0", async () => {
    const r = await runCli("serve", "--help");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Usage: proxy-wasm-as serve FILTER.wasm --upstream");
    expect(r.out).toContain("For development only");
  });

  const cases: [string, string[], RegExp][] = [
    ["no filter", ["--upstream", "http://127.0.0.1:1"], /no filter given/],
    ["no --upstream", [HEADERS], /--upstream URL is required/],
    [
      "a missing file",
      [join(tmp, "nope.wasm"), "--upstream", "http://127.0.0.1:1"],
      /nope\.wasm: cannot read the file: no such file/,
    ],
    ["an https upstream", [HEADERS, "--upstream", "https://example.com"], /https is not supported/],
    [
      "a bad --listen",
      [HEADERS, "--upstream", "http://127.0.0.1:1", "--listen", "localhost"],
      /--listen must be HOST:PORT/,
    ],
    [
      "a bad --cluster",
      [HEADERS, "--upstream", "http://127.0.0.1:1", "--cluster", "auth"],
      /--cluster must be NAME=URL/,
    ],
    ["an unknown option", [HEADERS, "--upstream", "http://127.0.0.1:1", "--verbose"], /unknown option --verbose/],
    [
      "malformed inline --config",
      [HEADERS, "--upstream", "http://127.0.0.1:1", "--config", '{"header": '],
      /--config: the inline configuration is not valid JSON/,
    ],
    [
      "a missing --config @file",
      [HEADERS, "--upstream", "http://127.0.0.1:1", "--config", `@${join(tmp, "missing.json")}`],
      /--config: cannot read .*missing\.json: no such file/,
    ],
  ];
  for (const [what, args, message] of cases) {
    it(`exits 2 on ${what}`, async () => {
      const r = await runCli("serve", ...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expectOneLine(r.err);
      expect(r.out).toBe("");
    });
  }

  it("exits 2 on a file that is not WebAssembly, and on a malformed .json config file", async () => {
    const notWasm = join(tmp, "filter.wasm");
    writeFileSync(notWasm, "hello, not wasm");
    let r = await runCli("serve", notWasm, "--upstream", "http://127.0.0.1:1");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not a WebAssembly module/);
    const bad = join(tmp, "config.json");
    writeFileSync(bad, "{ header: 1 }");
    r = await runCli("serve", HEADERS, "--upstream", "http://127.0.0.1:1", "--config", `@${bad}`);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/config\.json is not valid JSON/);
    expectOneLine(r.err);
  });

  it("exits 1 when the filter fails to start, after printing the filter's reason", async () => {
    const r = await runCli("serve", example("http-auth"), "--upstream", "http://127.0.0.1:1", "--config", "{}");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^serve: .*the filter failed to start: proxy_on_configure returned false/m);
    expect(r.out).toMatch(/\[(error|critical|warn)\] .*cluster/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("exits 1 when the module does not load (an import no proxy provides)", async () => {
    const file = join(tmp, "bad-import.wasm");
    writeFileSync(
      file,
      await wat(`(module
      (import "env" "console_log" (func (param i32)))
      (memory (export "memory") 1)
      (func (export "proxy_abi_version_0_2_1"))
      (func (export "proxy_on_memory_allocate") (param i32) (result i32) (i32.const 0)))`),
    );
    const r = await runCli("serve", file, "--upstream", "http://127.0.0.1:1");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^serve: .*the filter failed to load: .*env\.console_log/);
    expect(r.err.trim().split("\n")).toHaveLength(1);
  });

  it("exits 1 when the port is in use", async () => {
    const taken = http.createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    const { port } = taken.address() as AddressInfo;
    try {
      const r = await runCli("serve", HEADERS, "--upstream", "http://127.0.0.1:1", "--listen", `127.0.0.1:${port}`);
      expect(r.code).toBe(1);
      expect(r.err).toBe(`serve: cannot listen on 127.0.0.1:${port} (--listen): address already in use\n`);
      const a = await runCli(
        "serve",
        HEADERS,
        "--upstream",
        "http://127.0.0.1:1",
        "--listen",
        "127.0.0.1:0",
        "--admin",
        `127.0.0.1:${port}`,
      );
      expect(a.code).toBe(1);
      expect(a.err).toContain("(--admin): address already in use");
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });
});

describe("bin/proxy-wasm-as.js serve", () => {
  it("says it is for development, serves, and exits 0 on SIGTERM", async () => {
    const u = await upstream();
    const p = await serveBin([HEADERS, "--upstream", u.url]);
    try {
      expect(p.out()).toContain("For development only");
      const r = await request(`${p.url}/via-bin`);
      expect(r.status).toBe(200);
      expect(r.headers["x-powered-by"]).toBe("proxy-wasm-as");
      expect(await p.stop()).toBe(0);
      expect(p.out()).toContain("proxy-wasm-as serve: stopped");
      expect(p.err()).toBe("");
    } finally {
      p.kill();
      await u.close();
    }
  });

  it("exits 2 with one line on a missing file", () => {
    const r = spawnSync(
      process.execPath,
      ["bin/proxy-wasm-as.js", "serve", "missing.wasm", "--upstream", "http://127.0.0.1:1"],
      { cwd: repo, encoding: "utf8" },
    );
    expect(r.status).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe("serve: missing.wasm: cannot read the file: no such file");
  });
});
