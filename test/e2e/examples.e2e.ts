// The examples that this host supports, through nginx + ngx_wasm_module, with real HTTP requests:
// each test asserts what the example's README promises. Every test runs on the kit's build and on
// stock ngx_wasm_module (what Kong Gateway runs); on stock, http-headers is the build without the
// proxy_get_log_level import (PROXY_WASM_AS_NO_GET_LOG_LEVEL). What does not run: host-gaps.e2e.ts.
import { describe, expect, it } from "vitest";
import { signHs256 } from "./jwt.js";
import { ECHO_RESPONSE_HEADER } from "./upstream.js";
import { echoed, example, portableExampleWasm, realProxy, VARIANTS, withNginx, type Variant } from "./run.js";

/** ngx_wasm_module ends every local response body with one more line feed (ngx_http_wasm_local_response.c). */
const local = (body: string) => body + "\n";

/** http-headers as it loads on `variant`: stock ngx_wasm_module needs the build without the import. */
const httpHeaders = (variant: Variant, config: object = {}) => {
  const filter = example("http-headers", config);
  return variant === "stock" ? { ...filter, wasm: portableExampleWasm("http-headers") } : filter;
};

describe.skipIf(realProxy === null).each(VARIANTS)("examples in nginx + ngx_wasm_module (%s)", (variant) => {
  it("hello-world: logs VM and plugin start, ticks, and lets requests through", async () => {
    await withNginx(variant, { filters: () => [example("hello-world")] }, async (nginx, _servers) => {
      await nginx.waitForLog(/hello-world: VM started/);
      await nginx.waitForLog(/hello-world: plugin started/);
      const reply = await nginx.request({ path: "/hello" });
      expect(reply.status).toBe(200);
      expect(echoed(reply.body).url).toBe("/hello");
      // the tick period is 5 s: wait for the first one, bounded
      await nginx.waitForLog(/hello-world: tick/, 30_000);
    });
  });

  it("http-headers: sets its response header (replacing the upstream's) and logs both header blocks", async () => {
    await withNginx(variant, { filters: () => [httpHeaders(variant)] }, async (nginx) => {
      const reply = await nginx.request({ path: "/a", headers: { [ECHO_RESPONSE_HEADER]: "x-powered-by: upstream" } });
      expect(reply.status).toBe(200);
      const powered = reply.rawHeaders.filter(
        (_, i) => i % 2 === 0 && reply.rawHeaders[i].toLowerCase() === "x-powered-by",
      );
      expect(powered).toHaveLength(1);
      expect(reply.headers["x-powered-by"]).toBe("proxy-wasm-as");
      await nginx.waitForLog(/http-headers: request headers \(#\d+\): :path=\/a, :method=GET/);
      await nginx.waitForLog(/http-headers: response headers \(#\d+\): :status=200, /);
    });
  });

  it("http-headers: a configured header; at logLevel debug, no header lines while nginx logs at info", async () => {
    const config = { header: "x-served-by", value: "kong", logLevel: "debug" };
    await withNginx(variant, { filters: () => [httpHeaders(variant, config)] }, async (nginx) => {
      const reply = await nginx.request();
      expect(reply.headers["x-served-by"]).toBe("kong");
      expect(nginx.filterLines().filter((l) => l.includes("headers (#"))).toEqual([]);
    });
  });

  it("http-auth: asks the auth service; 200 goes on, anything else is 403, unreachable is 503", async () => {
    let cluster = "";
    const setup = {
      services: async (servers: import("./upstream.js").Servers) => {
        cluster = await servers.serve("auth", (req, _body, res) => {
          res.statusCode = req.headers.authorization === "Bearer good" ? 200 : 403;
          res.end();
        });
      },
      filters: () => [example("http-auth", { cluster, authority: "auth" })],
    };
    await withNginx(variant, setup, async (nginx, servers) => {
      const allowed = await nginx.request({ path: "/orders?id=1", headers: { authorization: "Bearer good" } });
      expect(allowed.status).toBe(200);
      expect(echoed(allowed.body).url).toBe("/orders?id=1");
      const check = servers.received.get("auth")![0];
      expect(check.url).toBe("/check");
      expect(check.headers).toMatchObject({
        host: "auth",
        authorization: "Bearer good",
        "x-original-method": "GET",
        "x-original-uri": "/orders?id=1",
      });

      const denied = await nginx.request({ headers: { authorization: "Bearer bad" } });
      expect(denied.status).toBe(403);
      expect(denied.body).toBe(local("forbidden\n"));
      expect(servers.received.get("upstream")).toHaveLength(1);
    });
    const unreachable = {
      filters: (s: import("./upstream.js").Servers) => [
        example("http-auth", { cluster: `unix:${s.dir}/nobody.sock`, authority: "auth" }),
      ],
    };
    await withNginx(variant, unreachable, async (nginx) => {
      const reply = await nginx.request();
      expect(reply.status).toBe(503);
      expect(reply.body).toBe(local("authorization service unavailable\n"));
    });
  });

  it("rate-limit: the request over the limit gets 429 with the rate-limit headers, per client", async () => {
    // a 366-day window: no window boundary passes during the test
    const config = { header: "x-client", limit: 2, windowSeconds: 86400 * 366 };
    await withNginx(variant, { filters: () => [example("rate-limit", config)] }, async (nginx, servers) => {
      const send = (client: string) => nginx.request({ headers: { "x-client": client } });
      const first = await send("a");
      expect(first.status).toBe(200);
      expect(first.headers).toMatchObject({ "x-rate-limit-limit": "2", "x-rate-limit-remaining": "1" });
      expect((await send("a")).status).toBe(200);
      const over = await send("a");
      expect(over.status).toBe(429);
      expect(over.body).toBe(local("rate limit exceeded\n"));
      expect(over.headers).toMatchObject({ "x-rate-limit-limit": "2", "x-rate-limit-remaining": "0" });
      expect(Number(over.headers["retry-after"])).toBeGreaterThan(0);
      expect(over.headers["x-rate-limit-reset"]).toBe(over.headers["retry-after"]);
      expect((await send("b")).status).toBe(200);
      expect(servers.received.get("upstream")).toHaveLength(3);
    });
  });

  it("http-body: adds receivedAt and requestId to a JSON request, wraps a JSON response", async () => {
    await withNginx(variant, { filters: () => [example("http-body")] }, async (nginx, servers) => {
      const before = Date.now();
      const reply = await nginx.request({
        method: "POST",
        path: "/post",
        body: '{"name":"a"}',
        headers: { "content-type": "application/json", "x-request-id": "r-1" },
      });
      expect(reply.status).toBe(200);
      const wrapped = JSON.parse(reply.body);
      expect(wrapped.requestId).toBe("r-1");
      const sent = JSON.parse(wrapped.data.body);
      expect(sent).toMatchObject({ name: "a", requestId: "r-1" });
      expect(sent.receivedAt).toBeGreaterThanOrEqual(before - 1000);
      expect(servers.received.get("upstream")![0].body).toMatch(/^\{"name":"a","receivedAt":\d+,"requestId":"r-1"\}$/);

      const notJson = await nginx.request({
        method: "POST",
        path: "/post",
        body: '["a"]',
        headers: { "content-type": "application/json" },
      });
      expect(notJson.status).toBe(200);
      expect(servers.received.get("upstream")![1].body).toBe('["a"]');
      await nginx.waitForLog(/http-body: request body is not a JSON object/);
    });
  });

  it("trace-id: sets a new 32-hex id, keeps a valid one, returns it on the response", async () => {
    await withNginx(variant, { filters: () => [example("trace-id")] }, async (nginx, servers) => {
      const fresh = await nginx.request();
      expect(fresh.headers["x-trace-id"]).toMatch(/^[0-9a-f]{32}$/);
      expect(servers.received.get("upstream")![0].headers["x-trace-id"]).toBe(fresh.headers["x-trace-id"]);
      const kept = await nginx.request({ headers: { "x-trace-id": "abc-123.X_y" } });
      expect(kept.headers["x-trace-id"]).toBe("abc-123.X_y");
      const replaced = await nginx.request({ headers: { "x-trace-id": "not valid!" } });
      expect(replaced.headers["x-trace-id"]).toMatch(/^[0-9a-f]{32}$/);
      expect(replaced.headers["x-trace-id"]).not.toBe(fresh.headers["x-trace-id"]);
    });
  });

  it("jwt-auth: a valid token goes on with x-user-id; missing or expired tokens get 401", async () => {
    const secret = "change-me";
    const sign = (claims: object) => signHs256(secret, claims);
    const now = Math.floor(Date.now() / 1000);
    await withNginx(variant, { filters: () => [example("jwt-auth", { secret })] }, async (nginx, servers) => {
      const ok = await nginx.request({
        headers: { authorization: `Bearer ${sign({ sub: "alice", exp: now + 3600 })}`, "x-user-id": "mallory" },
      });
      expect(ok.status).toBe(200);
      expect(servers.received.get("upstream")![0].headers["x-user-id"]).toBe("alice");

      const missing = await nginx.request();
      expect(missing.status).toBe(401);
      expect(missing.body).toBe(local("missing bearer token\n"));
      expect(missing.headers["www-authenticate"]).toBe("Bearer");

      const expired = await nginx.request({
        headers: { authorization: `Bearer ${sign({ sub: "alice", exp: now - 3600 })}` },
      });
      expect(expired.status).toBe(401);
      expect(expired.headers["www-authenticate"]).toBe(
        'Bearer error="invalid_token", error_description="token expired"',
      );
      expect(servers.received.get("upstream")).toHaveLength(1);
    });
  });

  it("properties: denies a path prefix with x-denied-by (the plugin name), replaces x-source-address", async () => {
    const config = { deny_path_prefixes: ["/admin"] };
    // the module's name is the plugin's name in ngx_wasm_module
    await withNginx(
      variant,
      { filters: () => [{ ...example("properties", config), name: "edge_guard" }] },
      async (nginx, servers) => {
        const denied = await nginx.request({ path: "/admin/users" });
        expect(denied.status).toBe(403);
        expect(denied.body).toBe(local("forbidden\n"));
        expect(denied.headers["x-denied-by"]).toBe("edge_guard");
        const allowed = await nginx.request({ path: "/public", headers: { "x-source-address": "10.0.0.1" } });
        expect(allowed.status).toBe(200);
        // the client's value is replaced by the proxy's source.address: "unix:" on a unix socket
        expect(echoed(allowed.body).headers["x-source-address"]).toBe("unix");
        expect(servers.received.get("upstream")!.map((r) => r.url)).toEqual(["/public"]);
      },
    );
  });

  it("dispatch-on-tick: calls the service on every tick and logs its answer", async () => {
    let cluster = "";
    const setup = {
      services: async (servers: import("./upstream.js").Servers) => {
        cluster = await servers.serve("backend", (_req, _body, res) => res.end("ok\n"));
      },
      filters: () => [example("dispatch-on-tick", { cluster, path: "/healthz", authority: "backend", period_ms: 200 })],
    };
    await withNginx(variant, setup, async (nginx, servers) => {
      await nginx.waitForLog(/dispatch-on-tick: .*\/healthz answered 200, 3 bytes/);
      expect(servers.received.get("backend")![0]).toMatchObject({ method: "GET", url: "/healthz" });
    });
  });

  it("json-validation: 400 without a body (decided from the framing headers), 403 on a missing key, forwards a valid object", async () => {
    const config = { requiredKeys: ["user", "action"] };
    await withNginx(variant, { filters: () => [example("json-validation", config)] }, async (nginx, servers) => {
      const noBody = await nginx.request({ method: "POST", path: "/post" });
      expect(noBody.status).toBe(400);
      expect(noBody.body).toBe(local("request body required: expected a JSON object\n"));
      const empty = await nginx.request({ method: "POST", path: "/post", body: "" });
      expect(empty.status).toBe(400);

      const missing = await nginx.request({ method: "POST", path: "/post", body: '{"user":"u"}' });
      expect(missing.status).toBe(403);
      expect(missing.body).toBe(local("missing required key: action\n"));
      const malformed = await nginx.request({ method: "POST", path: "/post", body: "user=u" });
      expect(malformed.status).toBe(400);
      expect(malformed.body).toMatch(/^request body is not valid JSON: .+ at byte 0\n\n$/);

      const valid = await nginx.request({ method: "POST", path: "/post", body: '{"user":"u","action":"buy"}' });
      expect(valid.status).toBe(200);
      expect(echoed(valid.body).body).toBe('{"user":"u","action":"buy"}');
      const get = await nginx.request({ path: "/get" });
      expect(get.status).toBe(200);
      expect(servers.received.get("upstream")!.map((r) => r.method)).toEqual(["POST", "GET"]);
    });
  });

  it('metrics: with "gauge": "set", counts requests without a host error', async () => {
    await withNginx(variant, { filters: () => [example("metrics", { gauge: "set" })] }, async (nginx) => {
      for (let i = 0; i < 3; i++) expect((await nginx.request({ path: `/m${i}` })).status).toBe(200);
      expect((await nginx.request({ method: "POST", path: "/m", body: "x" })).status).toBe(200);
      expect(nginx.errorLog()).not.toMatch(/\[(error|crit|alert|emerg)\]/);
    });
  });

  it("traffic-tag: with clearRouteCache false, tags each request and nginx routes on the tag", async () => {
    let canary = "";
    const setup = {
      services: async (servers: import("./upstream.js").Servers) => {
        canary = await servers.serve("canary", (_req, _body, res) => res.end("canary\n"));
      },
      filters: () => [example("traffic-tag", { clearRouteCache: false, canaryPercent: 50 })],
      // nginx reads the tag when proxy_pass runs, after the filter has set it
      http: () => ({
        extra: `    upstream canary { server ${canary}; }\n    map $http_x_swimlane $lane { canary canary; default up; }`,
        proxyPass: "http://$lane",
      }),
    };
    await withNginx(variant, setup, async (nginx, servers) => {
      const lanes: Record<string, string[]> = { canary: [], production: [] };
      for (let i = 0; i < 20; i++) {
        const reply = await nginx.request({ headers: { "x-user-id": `user-${i}` } });
        expect(reply.status).toBe(200);
        const lane = reply.body === "canary\n" ? "canary" : "production";
        lanes[lane].push(`user-${i}`);
      }
      // the same users as the lanes the upstreams saw tagged
      expect(servers.received.get("canary")!.map((r) => r.headers["x-swimlane"])).toEqual(
        lanes.canary.map(() => "canary"),
      );
      expect(servers.received.get("upstream")!.map((r) => r.headers["x-swimlane"])).toEqual(
        lanes.production.map(() => "production"),
      );
      expect(lanes.canary.length).toBeGreaterThan(0);
      expect(lanes.production.length).toBeGreaterThan(0);
      // a user keeps its lane; a request without a user id (no Istio peer here) goes to production
      const again = await nginx.request({ headers: { "x-user-id": lanes.canary[0] } });
      expect(again.body).toBe("canary\n");
      expect(echoed((await nginx.request()).body).headers["x-swimlane"]).toBe("production");
    });
  });
});
