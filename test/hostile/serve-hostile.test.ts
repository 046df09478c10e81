// Hostile requests and filters through `serve` (issue 24): an absolute-form request target
// reaches the filter as Envoy's HTTP/1 codec gives it; a hung upstream gets Envoy's route
// timeout answer; a filter that sets a header HTTP/1 cannot carry gets a status, not a dropped
// connection; a body of many megabytes arrives byte for byte. And serve's --property and
// --buffer-limit (issue 23.3).
import { createHash } from "node:crypto";
import http from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseServeArgs } from "../../cli/serve/args.js";
import { requestTarget } from "../../cli/serve/proxy.js";
import { example, repo, request, runCli, serveFilter, upstream, type Served, type Upstream } from "../cli/helpers.js";
import { injectsHeaders } from "./hostile-filters.js";

const ATTRIBUTES = `${repo}test/build/attributes-probe.wasm`;
const HEADERS = example("http-headers");

/** One raw HTTP/1.1 exchange (Node's client will not send an absolute-form target with another Host). */
function raw(url: string, text: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(port), "127.0.0.1", () => sock.write(text)); // "Connection: close" ends it
    let out = "";
    sock.on("data", (d) => (out += d));
    sock.on("end", () => resolve(out));
    sock.on("error", reject);
  });
}

describe("serve: an absolute-form request target", () => {
  let u: Upstream;
  let s: Served;
  beforeAll(async () => {
    u = await upstream();
    s = await serveFilter([ATTRIBUTES, "--upstream", u.url]);
  });
  afterAll(async () => {
    await s?.close();
    await u?.close();
  });

  it("gives the filter :authority from the URL and :path = path + query, and sends that upstream", async () => {
    const reply = await raw(
      s.url,
      "GET http://evil.example/admin?x=1 HTTP/1.1\r\nHost: good.example\r\nx-probe: attributes\r\nConnection: close\r\n\r\n",
    );
    expect(reply).toMatch(/^HTTP\/1\.1 200/);
    expect(s.output()).toContain("request.path=/admin?x=1\n");
    expect(s.output()).toContain("request.host=evil.example\n");
    expect(u.seen.at(-1)).toMatchObject({ url: "/admin?x=1", headers: { host: "evil.example" } });
  });

  it("reads the forms as Envoy's codec does", () => {
    expect(requestTarget({ url: "/a?b" })).toEqual({ path: "/a?b", scheme: "http" });
    expect(requestTarget({ url: "*", method: "OPTIONS" })).toEqual({ path: "*", scheme: "http" });
    expect(requestTarget({ url: "HTTPS://h.example:8443" })).toEqual({
      path: "/",
      scheme: "https",
      authority: "h.example:8443",
    });
    expect(requestTarget({ url: "http://h.example?q" })).toEqual({
      path: "/?q",
      scheme: "http",
      authority: "h.example",
    });
    expect(requestTarget({ url: "ftp://h.example/x" })).toBeNull();
    expect(requestTarget({ url: "h.example/x" })).toBeNull();
  });

  it("answers 400 to a target that is neither, without calling the filter or the upstream", async () => {
    const before = u.seen.length;
    const reply = await raw(
      s.url,
      "GET ftp://evil.example/x HTTP/1.1\r\nHost: good.example\r\nConnection: close\r\n\r\n",
    );
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect(u.seen.length).toBe(before);
  });
});

describe("serve: a hung upstream", () => {
  it('answers 504 "upstream request timeout" after --upstream-timeout, through the filter', async () => {
    const hung = await upstream(() => {}); // never answers
    const s = await serveFilter([HEADERS, "--upstream", hung.url, "--upstream-timeout", "100"]);
    try {
      const r = await request(`${s.url}/slow`);
      expect(r.status).toBe(504);
      expect(r.body).toBe("upstream request timeout");
      expect(r.headers["x-powered-by"]).toBe("proxy-wasm-as"); // the response callbacks ran on it
      expect(s.output()).toMatch(/GET \/slow → 504 upstream timeout \(100 ms, --upstream-timeout\)/);
    } finally {
      await s.close();
      await hung.close();
    }
  });

  it("waits 15 s by default, as Envoy's route timeout; 0 turns it off", async () => {
    expect(await parseServeArgs([HEADERS, "--upstream", "http://127.0.0.1:1"])).toMatchObject({
      upstreamTimeoutMs: 15_000,
    });
    expect(
      await parseServeArgs([HEADERS, "--upstream", "http://127.0.0.1:1", "--upstream-timeout", "0"]),
    ).toMatchObject({ upstreamTimeoutMs: 0 });
    const bad = await runCli("serve", HEADERS, "--upstream", "http://127.0.0.1:1", "--upstream-timeout", "1.5s");
    expect([bad.code, bad.err.split("\n")[0]]).toEqual([
      2,
      'serve: --upstream-timeout must be a whole number from 0 to 2147483647, got "1.5s"',
    ]);
  });
});

describe("serve: a filter that sets a header with CR LF", () => {
  let u: Upstream;
  let s: Served;
  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), "pwas-hostile-inject-")), "inject.wasm");
    writeFileSync(file, await injectsHeaders());
    u = await upstream();
    s = await serveFilter([file, "--upstream", u.url]);
  });
  afterAll(async () => {
    await s?.close();
    await u?.close();
  });

  it("answers Envoy's 503 on the request side (its upstream codec refuses them), and nothing reaches the upstream", async () => {
    const r = await request(`${s.url}/req`);
    expect(r.status).toBe(503);
    expect(r.body).toBe("invalid header value for: x-bad");
    expect(u.seen).toHaveLength(0);
  });

  it("answers 500 on the response side instead of dropping the connection", async () => {
    const r = await request(`${s.url}/res`);
    expect(r.status).toBe(500);
    expect(r.headers["x-injected"]).toBeUndefined();
    expect(s.output()).toMatch(/GET \/res: the filter set response headers that cannot be sent/);
    expect((await request(`${s.url}/fine`)).status).toBe(200);
  });
});

describe("serve: a body of many megabytes", () => {
  it("reaches the upstream and comes back byte for byte", async () => {
    const MiB = 1024 * 1024;
    const sizes: number[] = [];
    const u = await upstream((seen, res) => {
      sizes.push(seen.body.length);
      const body = Buffer.alloc(12 * MiB, "z");
      res.writeHead(200, { "content-length": body.length });
      res.end(body);
    });
    const s = await serveFilter([HEADERS, "--upstream", u.url]);
    try {
      const parts = Array.from({ length: 12 }, (_, i) => String.fromCharCode(97 + i).repeat(MiB));
      const reply = await new Promise<Buffer>((resolve, reject) => {
        const req = http.request(`${s.url}/big`, { method: "POST", headers: { "content-length": 12 * MiB } }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve(Buffer.concat(chunks)));
        });
        req.on("error", reject);
        for (const p of parts) req.write(p);
        req.end();
      });
      expect(sizes).toEqual([12 * MiB]);
      expect(u.seen[0].body === parts.join("")).toBe(true);
      const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
      expect(sha(reply)).toBe(sha(Buffer.alloc(12 * MiB, "z")));
    } finally {
      await s.close();
      await u.close();
    }
  });
});

describe("serve --property and --buffer-limit", () => {
  it("gives the filter the properties, typed as Envoy's attributes, over the connection's own", async () => {
    const u = await upstream();
    const s = await serveFilter([
      ATTRIBUTES,
      "--upstream",
      u.url,
      "--property",
      "xds.route_name=r1",
      "--property",
      "source.address=192.168.1.7:4242",
    ]);
    try {
      expect((await request(`${s.url}/`, { headers: { "x-probe": "attributes" } })).status).toBe(200);
      expect(s.output()).toContain("xds.route_name=r1\n");
      expect(s.output()).toContain("source.address=192.168.1.7:4242\n");
      expect(s.output()).toContain("source.port=4242\n");
    } finally {
      await s.close();
      await u.close();
    }
  });

  it("refuses a value of the wrong type, and a missing =", async () => {
    const base = [ATTRIBUTES, "--upstream", "http://127.0.0.1:1"];
    const wrong = await runCli("serve", ...base, "--property", "source.port=abc");
    expect([wrong.code, wrong.err.split("\n")[0]]).toEqual([
      2,
      'serve: --property source.port is an integer (int) in Envoy, got "abc"',
    ]);
    const bare = await runCli("serve", ...base, "--property", "xds.route_name");
    expect(bare.err.split("\n")[0]).toBe(
      'serve: --property must be PATH=VALUE (e.g. xds.route_name=r1), got "xds.route_name"',
    );
    expect(
      await parseServeArgs([
        ...base,
        "--property",
        "connection.mtls=true",
        "--property",
        "request.time=2026-01-01T00:00:00Z",
      ]),
    ).toMatchObject({
      properties: [
        ["connection.mtls", true],
        ["request.time", 1767225600000000000n],
      ],
    });
  });

  it("sets the emulator's buffer limit", async () => {
    const u = await upstream();
    const s = await serveFilter([HEADERS, "--upstream", u.url, "--buffer-limit", "2097152"]);
    try {
      expect(s.handle.runtime.host.bufferLimitBytes).toBe(2 * 1024 * 1024);
    } finally {
      await s.close();
      await u.close();
    }
    const bad = await runCli("serve", HEADERS, "--upstream", u.url, "--buffer-limit", "1e6");
    expect(bad.err.split("\n")[0]).toBe('serve: --buffer-limit must be a whole number from 0 to 4294967295, got "1e6"');
  });
});
