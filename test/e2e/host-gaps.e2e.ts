// What does not work in nginx + ngx_wasm_module, asserted by the host's own error lines, so that
// docs/hosts.md stays true: should a later ngx_wasm_module close a gap, its test fails and the
// page (and the example's README) can say so. Each runs on the kit's build and on stock.
import { describe, expect, it } from "vitest";
import { signHs256 } from "./jwt.js";
import type { Nginx } from "./nginx.js";
import { example, exampleWasm, portableExampleWasm, realProxy, VARIANTS, withNginx } from "./run.js";
import type { Servers } from "./upstream.js";

/** A request that may never be answered (the host holds it): settles to its status, or "none". */
async function statusOrNone(
  nginx: Nginx,
  req: Parameters<Nginx["request"]>[0],
  boundMs = 3000,
): Promise<number | "none"> {
  const reply = nginx.request(req).then(
    (r) => r.status,
    () => "none" as const,
  );
  return Promise.race([reply, new Promise<"none">((r) => setTimeout(() => r("none"), boundMs))]);
}

describe.skipIf(realProxy === null).each(VARIANTS)("host gaps of ngx_wasm_module (%s)", (variant) => {
  let service = "";
  const services = async (servers: Servers) => {
    service = await servers.serve("service", (_req, _body, res) => res.end("ok\n"));
  };

  it("a module importing proxy_get_log_level: instantiates only with the kit's patch", async () => {
    const filters = () => [{ ...example("http-headers"), wasm: exampleWasm("http-headers") }];
    await withNginx(variant, { filters }, async (nginx) => {
      if (variant === "stock") {
        await nginx.waitForLog(
          /failed instantiating "http_headers" module: incompatible import type for `env::proxy_get_log_level`/,
        );
        await nginx.waitForLog(/worker process \d+ exited with fatal code 2 and cannot be respawned/);
      } else {
        expect((await nginx.request()).headers["x-powered-by"]).toBe("proxy-wasm-as");
      }
    });
  });

  it("a plugin that fails to start ends the worker for good: later requests hang", async () => {
    const filters = () => [{ ...example("http-headers", { header: 1 }), wasm: portableExampleWasm("http-headers") }];
    await withNginx(variant, { filters }, async (nginx) => {
      await nginx.waitForLog(/http-headers: "header" must be/);
      await nginx.waitForLog(/worker process \d+ exited with fatal code 2 and cannot be respawned/);
      expect(await statusOrNone(nginx, {})).toBe("none");
    });
  });

  it('metrics: adding to a gauge traps ("metric not a counter"): the example\'s default, "gauge": "add"', async () => {
    await withNginx(variant, { filters: () => [example("metrics")] }, async (nginx) => {
      expect((await nginx.request()).status).toBe(500);
      await nginx.waitForLog(/host trap \(internal error\): could not increment metric id "\d+": metric not a counter/);
    });
  });

  it("traffic-tag: the unknown foreign function clear_route_cache traps", async () => {
    await withNginx(variant, { filters: () => [example("traffic-tag")] }, async (nginx) => {
      expect((await nginx.request({ headers: { "x-user-id": "alice" } })).status).toBe(500);
      await nginx.waitForLog(/host trap \(internal error\): unknown foreign function/);
    });
  });

  it("http-routing: :authority is read-only; the request goes on unrouted", async () => {
    const config = { canary_authority: "canary.internal", percentage: 100 };
    await withNginx(variant, { filters: () => [example("http-routing", config)] }, async (nginx, servers) => {
      expect((await nginx.request({ headers: { "x-user-id": "a" } })).status).toBe(200);
      await nginx.waitForLog(/cannot set read-only ":authority" header/);
      expect(servers.received.get("upstream")![0].headers.host).toBe("up");
    });
  });

  it("multiple-dispatches: no HTTP call from response headers (a trap)", async () => {
    const filters = () => [example("multiple-dispatches", { cluster: service, count: 2 })];
    await withNginx(variant, { services, filters }, async (nginx, servers) => {
      await statusOrNone(nginx, {});
      await nginx.waitForLog(
        /host trap \(bad usage\): can only send HTTP dispatch during "on_request_headers", "on_request_body", "on_tick", "on_dispatch_response", "on_foreign_function"/,
      );
      expect(servers.received.get("service")).toHaveLength(0);
    });
  });

  it("shared-queue: proxy_resolve_shared_queue is not implemented (a trap)", async () => {
    await withNginx(variant, { filters: () => [example("shared-queue")] }, async (nginx) => {
      expect((await nginx.request()).status).toBe(500);
      await nginx.waitForLog(/host trap \(function not yet implemented\): proxy_resolve_shared_queue/);
    });
  });

  it("postpone-requests: set_effective_context does nothing, so the tick cannot resume a held request", async () => {
    await withNginx(
      variant,
      { filters: () => [example("postpone-requests", { tick_period_ms: 200 })] },
      async (nginx) => {
        expect(await statusOrNone(nginx, {})).toBe("none");
        if (variant === "stock") await nginx.waitForLog(/worker process \d+ exited on signal 11/);
        // the SDK's line: continueRequest on the tick acts on no stream (BAD_ARGUMENT)
        else await nginx.waitForLog(/\[warn\] .*\["postpone_requests" #0\] continue stream failed: host status 2/);
      },
    );
  });

  it("grpc-auth: proxy_grpc_call is not implemented (a trap)", async () => {
    const config = { cluster: service, service: "auth.v1.Authorizer", method: "Check" };
    const filters = () => [{ ...example("grpc-auth", config), wasm: portableExampleWasm("grpc-auth") }];
    await withNginx(variant, { services, filters }, async (nginx) => {
      expect((await nginx.request()).status).toBe(500);
      await nginx.waitForLog(/host trap \(function not yet implemented\): proxy_grpc_call/);
    });
  });

  it("jwt-auth: removing a request header does not remove it (a token without sub)", async () => {
    const secret = "change-me";
    const token = signHs256(secret, { exp: Math.floor(Date.now() / 1000) + 3600 });
    await withNginx(variant, { filters: () => [example("jwt-auth", { secret })] }, async (nginx, servers) => {
      expect(
        (await nginx.request({ headers: { authorization: `Bearer ${token}`, "x-user-id": "mallory" } })).status,
      ).toBe(200);
      expect(servers.received.get("upstream")![0].headers["x-user-id"]).toBe("mallory");
    });
  });
});
