// `serve` beyond one HTTP filter: a TCP proxy through a network filter (a real socket on
// 127.0.0.1), several plugins on one VM, the three forms of a configuration, Envoy's
// hop-by-hop header removal, and a trap that names the TypeScript line.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseServeArgs, type ServeOptions } from "../../cli/serve/args.js";
import { UsageError } from "../../cli/options.js";
import { example, repo, request, runCli, serveFilter, type Served, upstream } from "./helpers.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function serve(args: string[]): Promise<Served> {
  const s = await serveFilter(args);
  cleanup.push(s.close);
  return s;
}

/** A TCP server that answers every chunk with "echo:" + the chunk and half-closes when the client does. */
async function echoServer(): Promise<{ port: number; received: () => string }> {
  let received = "";
  const server = net.createServer((sock) => {
    sock.on("data", (d) => {
      received += d.toString();
      sock.write(`echo:${d}`);
    });
    sock.on("end", () => sock.end());
    sock.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanup.push(() => new Promise((r) => server.close(() => r())));
  return { port: (server.address() as net.AddressInfo).port, received: () => received };
}

/** Connects, writes `text`, half-closes and returns all the proxy sent back once it closed. */
function tcpExchange(url: string, text: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: hostname, port: Number(port) }, () => sock.end(text));
    let got = "";
    sock.on("data", (d) => (got += d.toString()));
    sock.on("close", () => resolve(got));
    sock.on("error", reject);
  });
}

const waitFor = async (what: () => boolean, label: string) => {
  // Bounded far above need (at least 45 s, under the 60 s test timeout): what these wait for
  // follows a socket close on the loopback, which a loaded machine may delay by seconds.
  for (let i = 0; i < 4500 && !what(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!what()) throw new Error(`timed out waiting for ${label}`);
};

describe("serve: TCP mode", () => {
  it("proxies a connection's bytes both ways through the filter's TCP callbacks", async () => {
    const echo = await echoServer();
    const s = await serve([
      example("tcp-stats"),
      "--upstream",
      `tcp://127.0.0.1:${echo.port}`,
      "--config",
      '{"prefix":"t"}',
    ]);
    expect(s.url).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    const reply = await tcpExchange(s.url, "hello");
    expect(reply).toBe("echo:hello");
    expect(echo.received()).toBe("hello");
    await waitFor(() => /\[serve\] tcp .* 5 bytes up, 10 bytes down/.test(s.output()), "the connection's log line");
    expect(s.output()).toMatch(/\[info\] tcp-stats: connection \d+ opened from 127\.0\.0\.1:\d+/);
    const metrics = new Map(s.handle.runtime.host.metrics.list().map((m) => [m.name, m]));
    expect(metrics.get("t_connections_total")?.value).toBe(1n);
    expect(metrics.get("t_downstream_bytes_total")?.value).toBe(5n);
    expect(metrics.get("t_upstream_bytes_total")?.value).toBe(10n);
    expect(metrics.get("t_active_connections")?.value).toBe(0n);
  });

  it("closes the client's connection when the upstream cannot be reached, and the filter hears it", async () => {
    const dead = await echoServer();
    const port = dead.port;
    await cleanup.pop()!(); // nothing listens there now
    const s = await serve([example("tcp-stats"), "--upstream", `tcp://127.0.0.1:${port}`, "--config", "{}"]);
    expect(await tcpExchange(s.url, "hello")).toBe("");
    await waitFor(() => /upstream unreachable: ECONNREFUSED/.test(s.output()), "the unreachable note");
    const metrics = new Map(s.handle.runtime.host.metrics.list().map((m) => [m.name, m]));
    expect(metrics.get("tcp_stats_active_connections")?.value).toBe(0n);
  });

  it("refuses a tcp:// upstream with a path", async () => {
    const r = await runCli("serve", example("tcp-stats"), "--upstream", "tcp://127.0.0.1:9000/x");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--upstream tcp:\/\/ needs a host and a port and nothing else/);
  });
});

describe("serve: several plugins on one VM", () => {
  it("starts each --root-id with its configuration; a queue between them works", async () => {
    const u = await upstream();
    cleanup.push(u.close);
    const s = await serve([
      example("shared-queue"),
      "--upstream",
      u.url,
      "--root-id",
      "sender",
      "--root-id",
      'receiver={"queue":"request-summaries"}',
      "--config",
      "{}",
    ]);
    const plugins = s.handle.runtime.plugins;
    expect(plugins.map((p) => p.rootId)).toEqual(["sender", "receiver"]);
    expect(plugins[0].vm).toBe(plugins[1].vm);
    expect(plugins[1].configurationText).toBe('{"queue":"request-summaries"}');
    expect((await request(`${s.url}/hello`)).status).toBe(200);
    await waitFor(() => s.output().includes("shared-queue receiver: GET /hello"), "the receiver's log line");
  });

  it("refuses the same root id twice", async () => {
    const r = await runCli(
      "serve",
      example("shared-queue"),
      "--upstream",
      "http://127.0.0.1:1",
      "--root-id",
      "a",
      "--root-id",
      "a=x",
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--root-id a given twice/);
  });
});

describe("serve: --config forms", () => {
  const tmp = mkdtempSync(join(tmpdir(), "pwas-config-"));
  const parse = async (...args: string[]) =>
    (await parseServeArgs([example("http-headers"), "--upstream", "http://127.0.0.1:1", ...args])) as ServeOptions;

  it("plain text, inline JSON and @FILE", async () => {
    writeFileSync(join(tmp, "canary.txt"), "canary\n");
    writeFileSync(join(tmp, "c.json"), '{"header":"x-a","value":"b"}');
    expect((await parse("--config", "canary")).plugins[0].configuration).toBe("canary");
    expect((await parse("--config", '{"a":1}')).plugins[0].configuration).toBe('{"a":1}');
    expect((await parse("--config", `@${join(tmp, "canary.txt")}`)).plugins[0].configuration).toBe("canary\n");
    expect((await parse("--config", `@${join(tmp, "c.json")}`)).plugins[0].configuration).toBe(
      '{"header":"x-a","value":"b"}',
    );
    const both = await parse("--root-id", "a", "--root-id", `b=@${join(tmp, "canary.txt")}`, "--config", "text");
    expect(both.plugins).toEqual([
      { rootId: "a", configuration: "text" },
      { rootId: "b", configuration: "canary\n" },
    ]);
  });

  it("refuses malformed JSON in @FILE.json, a missing @FILE, and a bare .json file name", async () => {
    writeFileSync(join(tmp, "bad.json"), "{ nope");
    await expect(parse("--config", `@${join(tmp, "bad.json")}`)).rejects.toThrow(/bad\.json is not valid JSON/);
    await expect(parse("--config", `@${join(tmp, "missing.txt")}`)).rejects.toThrow(
      /cannot read .*missing\.txt: no such file/,
    );
    await expect(parse("--config", join(tmp, "bad.json"))).rejects.toThrow(UsageError);
    await expect(parse("--config", join(tmp, "bad.json"))).rejects.toThrow(/is a file: write --config @/);
  });

  it("hands plain text to the running plugin as is", async () => {
    const u = await upstream();
    cleanup.push(u.close);
    const s = await serve([example("hello-world"), "--upstream", u.url, "--config", "canary"]);
    expect(s.handle.runtime.plugin.configurationText).toBe("canary");
  });
});

describe("serve: hop-by-hop headers, as Envoy's connection manager removes them", () => {
  it("the filter never sees them in the upstream's response", async () => {
    const u = await upstream((_, res) => {
      res.writeHead(200, {
        "keep-alive": "timeout=5",
        "proxy-connection": "keep-alive",
        upgrade: "h2c",
        "x-app": "1",
        "content-length": "2",
      });
      res.end("ok");
    });
    cleanup.push(u.close);
    const s = await serve([example("http-headers"), "--upstream", u.url, "--config", "{}"]);
    const r = await request(`${s.url}/`);
    expect(r.status).toBe(200);
    const line = s
      .output()
      .split("\n")
      .find((l) => l.includes("response headers"))!;
    expect(line).toContain("x-app=1");
    for (const h of ["keep-alive=", "proxy-connection=", "upgrade=", "connection=", "transfer-encoding="])
      expect(line).not.toContain(` ${h}`);
  });

  it("nor in an HTTP call's answer", async () => {
    const u = await upstream();
    cleanup.push(u.close);
    const auth = await upstream((_, res) => {
      res.writeHead(200, { "keep-alive": "timeout=5", "x-auth": "yes" });
      res.write("ok"); // chunked: transfer-encoding on the wire
      res.end();
    });
    cleanup.push(auth.close);
    const s = await serve([
      `${repo}test/build/sdk-probe.wasm`,
      "--upstream",
      u.url,
      "--config",
      "{}",
      "--cluster",
      `auth-cluster=${auth.url}`,
    ]);
    const host = s.handle.runtime.host;
    const delivered: [string, string][][] = [];
    const respond = host.respondHttpCall.bind(host);
    host.respondHttpCall = (token, res = {}) => {
      delivered.push((res.headers ?? []) as [string, string][]);
      return respond(token, res);
    };
    const r = await request(`${s.url}/`, { headers: { "x-probe": "call" } });
    expect(r.status).toBe(200);
    const names = delivered[0].map(([k]) => k);
    expect(names).toContain("x-auth");
    for (const h of ["keep-alive", "connection", "transfer-encoding"]) expect(names).not.toContain(h);
  });
});

describe("serve: a trap names the TypeScript line", () => {
  it("prints the AssemblyScript stack from the build's source map, and answers 503", async () => {
    const u = await upstream();
    cleanup.push(u.close);
    const s = await serve([`${repo}test/build/trap-probe.wasm`, "--upstream", u.url]);
    const r = await request(`${s.url}/`, { headers: { "x-trap": "unreachable" } });
    expect(r.status).toBe(503);
    expect(s.output()).toMatch(
      /\[serve\] the filter trapped: proxy_on_request_headers\(.*\): unreachable\n\s+at TrapProbe\.onRequestHeaders \(test\/filters\/trap-probe\.ts:\d+:\d+\)/,
    );
    expect((await request(`${s.url}/`)).status).toBe(200);
  });

  it("uses the map beside the served file, whatever the working folder", async () => {
    // Bytes no file under the working folder has (one more custom section, at the end: the
    // code's offsets, and so the map, stay valid), with their map beside them elsewhere.
    const dir = mkdtempSync(join(tmpdir(), "pwas-serve-map-"));
    const bytes = readFileSync(`${repo}test/build/trap-probe.wasm`);
    writeFileSync(join(dir, "filter.wasm"), Buffer.concat([bytes, Buffer.from([0, 5, 4, ...Buffer.from("note")])]));
    copyFileSync(`${repo}test/build/trap-probe.wasm.map`, join(dir, "filter.wasm.map"));
    const u = await upstream();
    cleanup.push(u.close);
    const s = await serve([join(dir, "filter.wasm"), "--upstream", u.url]);
    expect((await request(`${s.url}/`, { headers: { "x-trap": "oob" } })).status).toBe(503);
    expect(s.output()).toMatch(/memory access out of bounds\n\s+at readFar \(test\/filters\/trap-probe\.ts:\d+:\d+\)/);
  });
});
