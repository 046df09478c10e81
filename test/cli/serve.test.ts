// `proxy-wasm-as serve` with real HTTP: a real upstream (and auth service) on 127.0.0.1,
// serve on an ephemeral port, plain Node clients. Each test checks that what a client gets
// is what the filter promises, as Envoy would deliver it.
import { afterEach, describe, expect, it } from "vitest";
import {
  echo,
  resettingService,
  example,
  PROBE,
  type Reply,
  request,
  serveFilter,
  type Served,
  sleep,
  upstream,
  type Upstream,
} from "./helpers.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function up(handler?: Parameters<typeof upstream>[0]): Promise<Upstream> {
  const u = await upstream(handler);
  cleanup.push(u.close);
  return u;
}

/** A service that resets every connection (a down upstream whose port no one else can take). */
async function down(): Promise<string> {
  const d = await resettingService();
  cleanup.push(d.close);
  return d.url;
}

async function serve(args: string[]): Promise<Served> {
  const s = await serveFilter(args);
  cleanup.push(s.close);
  return s;
}

describe("serve: http-headers", () => {
  it("adds the configured response header, passes the request through and prints the filter's logs", async () => {
    const u = await up();
    const s = await serve([
      example("http-headers"),
      "--upstream",
      u.url,
      "--config",
      '{"header":"x-served-by","value":"serve-test"}',
    ]);
    const r = await request(`${s.url}/items?id=7`, { headers: { "user-agent": "test" } });
    expect(r.status).toBe(200);
    expect(r.headers["x-served-by"]).toBe("serve-test");
    const seen = JSON.parse(r.body);
    expect(seen.url).toBe("/items?id=7");
    expect(seen.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen.headers["x-forwarded-proto"]).toBe("http");
    expect(s.output()).toMatch(/\[info\] http-headers: request headers .*:path=\/items\?id=7/);
    expect(s.output()).toMatch(/\[serve\] GET \/items\?id=7 → 200/);
  });

  it("streams a request body chunk by chunk to the upstream", async () => {
    const u = await up();
    const s = await serve([example("http-headers"), "--upstream", u.url]);
    const r = await request(`${s.url}/upload`, {
      method: "POST",
      body: ["one,", "two,", "three"],
      gapMs: 20,
      headers: { "content-type": "text/plain" },
    });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).body).toBe("one,two,three");
  });

  it("answers 503 when the upstream is down, through the filter's response callbacks (as Envoy's router does)", async () => {
    const s = await serve([example("http-headers"), "--upstream", await down()]);
    const r = await request(`${s.url}/`);
    expect(r.status).toBe(503);
    expect(r.body).toContain("upstream connect error");
    expect(r.headers["x-powered-by"]).toBe("proxy-wasm-as");
    // and keeps serving
    expect((await request(`${s.url}/again`)).status).toBe(503);
  });
});

describe("serve: http-auth with a local auth service", () => {
  async function setup(authHandler?: Parameters<typeof upstream>[0]) {
    const app = await up();
    const auth = await up(
      authHandler ??
        ((seen, res) => {
          const ok = seen.headers.authorization === "Bearer good";
          res.writeHead(ok ? 200 : 401, { "content-length": "0" });
          res.end();
        }),
    );
    const s = await serve([
      example("http-auth"),
      "--upstream",
      app.url,
      "--cluster",
      `auth=${auth.url}`,
      // A timeout far beyond any answer here: these tests are about the answer, not the clock.
      "--config",
      JSON.stringify({ cluster: "auth", path: "/check", timeoutMs: 30_000 }),
    ]);
    return { app, auth, s };
  }

  it("holds the request until the auth service allows it, then forwards it", async () => {
    const { app, auth, s } = await setup();
    const r = await request(`${s.url}/private?q=1`, { headers: { authorization: "Bearer good" } });
    expect(r.status).toBe(200);
    expect(auth.seen).toHaveLength(1);
    expect(auth.seen[0].url).toBe("/check");
    expect(auth.seen[0].headers["x-original-uri"]).toBe("/private?q=1");
    expect(app.seen).toHaveLength(1);
    expect(JSON.parse(r.body).url).toBe("/private?q=1");
  });

  it("answers 403 and never reaches the upstream when the auth service says no", async () => {
    const { app, s } = await setup();
    const r = await request(`${s.url}/private`, { headers: { authorization: "Bearer bad" } });
    expect(r.status).toBe(403);
    expect(app.seen).toHaveLength(0);
  });

  it("holds a request body behind the paused headers and forwards it whole after the answer", async () => {
    const { app, s } = await setup(async (_seen, res) => {
      await sleep(100);
      res.writeHead(200, { "content-length": "0" });
      res.end();
    });
    const r = await request(`${s.url}/post`, {
      method: "POST",
      body: ["a=1&", "b=2"],
      gapMs: 10,
      headers: { authorization: "x" },
    });
    expect(r.status).toBe(200);
    expect(app.seen[0].body).toBe("a=1&b=2");
  });

  it("answers 503 when the auth service is down or times out", async () => {
    const app = await up();
    // The silent service never answers (its connection closes with the test): the call's 200 ms
    // timeout is the only way out, however slow the machine.
    const silent = await up(() => {});
    for (const [target, outcome] of [
      [await down(), "failed"],
      [silent.url, "timeout"],
    ]) {
      const s = await serve([
        example("http-auth"),
        "--upstream",
        app.url,
        "--cluster",
        `auth=${target}`,
        "--config",
        JSON.stringify({ cluster: "auth", timeoutMs: 200 }),
      ]);
      const r = await request(`${s.url}/`);
      expect(r.status).toBe(503);
      expect(s.output()).toMatch(new RegExp(`http call auth GET /check → ${outcome}`));
    }
    expect(app.seen).toHaveLength(0);
  });
});

describe("serve: http-body", () => {
  it("adds members to a JSON request body and wraps the JSON response", async () => {
    const u = await up();
    const s = await serve([example("http-body"), "--upstream", u.url]);
    const before = Date.now();
    const r = await request(`${s.url}/post`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "req-1" },
      body: ['{"name":', '"a"}'],
      gapMs: 20,
    });
    expect(r.status).toBe(200);
    const wrapped = JSON.parse(r.body);
    expect(wrapped.requestId).toBe("req-1");
    const sent = JSON.parse(wrapped.data.body);
    expect(sent).toMatchObject({ name: "a", requestId: "req-1" });
    // the emulator's clock runs on real time in serve
    expect(sent.receivedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(sent.receivedAt).toBeLessThanOrEqual(Date.now() + 1000);
    expect(r.headers["content-length"]).toBeUndefined();
  });

  it("passes a non-JSON body through unchanged", async () => {
    const u = await up();
    const s = await serve([example("http-body"), "--upstream", u.url]);
    const r = await request(`${s.url}/post`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "plain",
    });
    expect(JSON.parse(r.body).data.body).toBe("plain");
  });
});

describe("serve: rate-limit", () => {
  // serve runs on the real clock and the filter's windows are aligned to it: the longest window
  // the filter allows (366 days) makes a window end between the requests all but impossible,
  // and the test waits one out if it is due within 30 s.
  const WINDOW_SECONDS = 86400 * 366;
  it("answers 429 with the limit headers once a client has used its budget", async () => {
    const untilWindowEnds = WINDOW_SECONDS - (Math.floor(Date.now() / 1000) % WINDOW_SECONDS);
    if (untilWindowEnds < 30) await sleep((untilWindowEnds + 1) * 1000);
    const u = await up();
    const s = await serve([
      example("rate-limit"),
      "--upstream",
      u.url,
      "--config",
      JSON.stringify({ limit: 3, windowSeconds: WINDOW_SECONDS }),
    ]);
    const statuses: number[] = [];
    let last: Reply | undefined;
    for (let i = 0; i < 5; i++) {
      last = await request(`${s.url}/`, { headers: { "x-forwarded-for": "10.0.0.1" } });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(last!.headers["x-rate-limit-limit"]).toBe("3");
    expect(last!.headers["x-rate-limit-remaining"]).toBe("0");
    expect(Number(last!.headers["retry-after"])).toBeGreaterThan(0);
    expect(u.seen).toHaveLength(3);
    // another client has its own budget
    expect((await request(`${s.url}/`, { headers: { "x-forwarded-for": "10.0.0.2" } })).status).toBe(200);
  });
});

describe("serve: the SDK probe (local responses, trailers, traps, metrics)", () => {
  it("sends the filter's local response without calling the upstream", async () => {
    const u = await up();
    const s = await serve([PROBE, "--upstream", u.url, "--config", "{}"]);
    const r = await request(`${s.url}/`, { headers: { "x-probe": "local" } });
    expect(r.status).toBe(403);
    expect(r.body).toBe("denied by probe");
    expect(r.headers["x-reason"]).toBe("probe");
    expect(u.seen).toHaveLength(0);
  });

  it("passes request trailers through the filter to the upstream", async () => {
    const u = await up();
    const s = await serve([PROBE, "--upstream", u.url, "--config", "{}"]);
    const r = await request(`${s.url}/`, {
      method: "POST",
      headers: { "x-probe": "trailers", "transfer-encoding": "chunked" },
      body: "data",
      trailers: { "x-checksum": "abc" },
    });
    expect(r.status).toBe(200);
    expect(u.seen[0].trailers).toMatchObject({ "x-checksum": "abc", "x-trailer-seen": "1" });
  });

  it("passes response chunks on as they arrive; a chunked body ends with an empty last chunk, as from Envoy", async () => {
    const u = await up((_seen, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("part one, ");
      setTimeout(() => res.end("part two"), 20);
    });
    const s = await serve([PROBE, "--upstream", u.url, "--config", "{}"]);
    const r = await request(`${s.url}/`, { headers: { "x-probe": "response-body" } });
    // The probe replaces the chunk that has endOfStream: here the empty one after "part two".
    expect(r.body).toBe("part one, part tworewritten");
    expect(r.headers["x-probe-response"]).toBe("response-body");
  });

  it("answers 503 for a request whose filter traps, then serves the next ones from a fresh VM", async () => {
    const u = await up();
    const s = await serve([PROBE, "--upstream", u.url, "--config", "{}"]);
    expect((await request(`${s.url}/`)).status).toBe(200);
    const trapped = await request(`${s.url}/`, { headers: { "x-probe": "abort" } });
    expect(trapped.status).toBe(503);
    for (let i = 0; i < 3; i++) expect((await request(`${s.url}/after`)).status).toBe(200);
    expect(s.output()).toMatch(/the filter trapped: proxy_on_request_headers.*probe abort/);
    expect(s.output()).toContain("loaded a fresh VM");
    expect(s.output()).not.toMatch(/\n\s+at .*(\.js|\.mjs|file:|node:)/); // no JavaScript stack trace
    expect(s.output()).toMatch(
      /probe abort.*\n\s+at .*\n\s+at Probe\.onRequestHeaders \(test\/filters\/sdk-probe\.ts:\d+:\d+\)/,
    ); // the filter's line, from the source map
    expect(u.seen.map((x) => x.url)).toEqual(["/", "/after", "/after", "/after"]);
  });

  it("fails gRPC calls (serve does not make them) instead of hanging", async () => {
    const u = await up();
    const s = await serve([PROBE, "--upstream", u.url, "--config", "{}", "--cluster", `grpc-cluster=${u.url}`]);
    const r = await request(`${s.url}/`, { headers: { "x-probe": "grpc" } });
    expect(r.status).toBe(403);
    expect(r.body).toContain("grpc status 14");
  });

  it("shows the filter's metrics on the admin port's /stats in Prometheus text", async () => {
    const u = await up();
    const s = await serve([PROBE, "--upstream", u.url, "--config", "{}", "--admin", "127.0.0.1:0"]);
    for (let i = 0; i < 3; i++) await request(`${s.url}/`);
    const stats = await request(`${s.adminUrl}/stats`);
    expect(stats.status).toBe(200);
    expect(stats.headers["content-type"]).toContain("text/plain");
    expect(stats.body).toMatch(/# TYPE probe_requests\S* counter\nprobe_requests\S*\{\} 3\n/);
    expect(stats.body).toMatch(/# TYPE probe_active gauge\nprobe_active\{\} 0\n/);
    expect(stats.body).toMatch(/probe_body_bytes_count\{\} 3/);
    expect((await request(`${s.adminUrl}/ready`)).body).toBe("LIVE\n");
  });
});

describe("serve: ticks on the real clock and HTTP calls from the plugin", () => {
  it("calls the cluster on every tick of dispatch-on-tick", async () => {
    const app = await up();
    const target = await up((seen, res) => echo(seen, res));
    const started = Date.now();
    const s = await serve([
      example("dispatch-on-tick"),
      "--upstream",
      app.url,
      "--cluster",
      `ticker=${target.url}`,
      "--config",
      JSON.stringify({ cluster: "ticker", path: "/tick", period_ms: 50, timeout_ms: 30_000 }),
    ]);
    while (target.seen.length < 3) await sleep(20);
    // At most one call per 50 ms period since serve started, however slow the machine (a slow
    // one only makes the periods fewer than the time allows).
    const calls = target.seen.length;
    expect(calls).toBeLessThanOrEqual(Math.floor((Date.now() - started) / 50) + 1);
    expect(target.seen[0].url).toBe("/tick");
    expect(s.output()).toMatch(/http call ticker GET \/tick → 200/);
  });
});
