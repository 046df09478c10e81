import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Host, type Plugin } from "proxy-wasm-as/host";

const WASM = fileURLToPath(new URL("../build/filter.wasm", import.meta.url));
const CONFIG = JSON.stringify({
  tag: "default",
  _rules_: [
    { _match_route_: ["checkout"], tag: "payments" },
    { _match_domain_: ["*.internal.example.com", "admin.*"], deny: true },
    { _match_service_: ["reviews.default.svc.cluster.local:9080"], tag: "reviews" },
    { _match_route_prefix_: ["api-"], tag: "api" },
    { _match_route_: ["search"], _match_service_: ["search.default.svc.cluster.local"], tag: "search" },
  ],
});

async function start(configuration: string) {
  const host = new Host();
  const vm = await host.loadVm(WASM);
  return { host, plugin: vm.startPlugin({ configuration }) };
}

/** Sends a request for `authority` on route `route` (cluster `cluster`); the stream. */
function send(plugin: Plugin, authority: string, route = "default", cluster = "backend") {
  const stream = plugin.newHttpStream();
  stream.setProperty("xds.route_name", route);
  stream.setProperty("xds.cluster_name", cluster);
  stream.requestHeaders({ ":method": "GET", ":path": "/", ":authority": authority }, { endOfStream: true });
  return stream;
}

describe("per-route", () => {
  it("applies the rule of the stream's route name", async () => {
    const { plugin } = await start(CONFIG);
    expect(send(plugin, "shop.example.com", "checkout").requestHeader("x-route-tag")).toBe("payments");
  });

  it("matches domains by suffix and prefix wildcard, without the port", async () => {
    const { plugin } = await start(CONFIG);
    for (const host of ["db.internal.example.com", "db.internal.example.com:8443", "admin.shop.io"]) {
      expect(send(plugin, host).localResponse?.status, host).toBe(403);
    }
    // "*.internal.example.com" needs a label before the dot; "admin.*" is a prefix, not a label.
    expect(send(plugin, "internal.example.com").localResponse).toBeNull();
    expect(send(plugin, "shop.admin.io").localResponse).toBeNull();
  });

  it("matches Istio services by FQDN and port, route prefixes, and route and service together", async () => {
    const { plugin } = await start(CONFIG);
    expect(
      send(plugin, "r", "r1", "outbound|9080||reviews.default.svc.cluster.local").requestHeader("x-route-tag"),
    ).toBe("reviews");
    expect(
      send(plugin, "r", "r1", "outbound|9090||reviews.default.svc.cluster.local").requestHeader("x-route-tag"),
    ).toBe("default");
    expect(send(plugin, "r", "api-orders").requestHeader("x-route-tag")).toBe("api");
    expect(
      send(plugin, "r", "search", "outbound|80|v1|search.default.svc.cluster.local").requestHeader("x-route-tag"),
    ).toBe("search");
    expect(send(plugin, "r", "search", "backend").requestHeader("x-route-tag")).toBe("default"); // route alone is not enough
  });

  it("takes the first rule that matches, in the configuration's order", async () => {
    // The route rule comes before the domain rule: a checkout request to an internal host is tagged, not denied.
    const { plugin } = await start(CONFIG);
    expect(send(plugin, "db.internal.example.com", "checkout").localResponse).toBeNull();
  });

  it("falls back to the global settings, and without them leaves the request alone", async () => {
    const { plugin } = await start(CONFIG);
    expect(send(plugin, "shop.example.com").requestHeader("x-route-tag")).toBe("default");
    const rulesOnly = (await start(JSON.stringify({ _rules_: [{ _match_route_: ["checkout"], tag: "payments" }] })))
      .plugin;
    expect(send(rulesOnly, "shop.example.com").requestHeader("x-route-tag")).toBeUndefined();
    expect(send(rulesOnly, "shop.example.com", "checkout").requestHeader("x-route-tag")).toBe("payments");
  });

  it("applies an empty configuration globally, as Higress does", async () => {
    const { plugin } = await start("{}");
    const stream = send(plugin, "shop.example.com");
    expect(stream.localResponse).toBeNull();
    expect(stream.requestHeader("x-route-tag")).toBeUndefined(); // the empty tag adds nothing
  });

  it("refuses a configuration in the wrong layout, saying where", async () => {
    const cases: [unknown, string][] = [
      [[1], "per-route configuration: the configuration must be a JSON object"],
      [{ _rules_: {} }, "per-route configuration: _rules_ must be an array"],
      [
        { _rules_: [{ tag: "x" }] },
        "per-route configuration: _rules_[0] matches nothing: it needs _match_route_, _match_domain_, _match_service_ or _match_route_prefix_",
      ],
      [
        { _rules_: [{ _match_route_: "checkout" }] },
        "per-route configuration: _rules_[0]._match_route_ must be an array of strings",
      ],
      [{ _rules_: [{ _match_domain_: ["a"] }, { _match_route_: ["r"], tag: 5 }] }, 'per-route: "tag" must be a string'],
    ];
    for (const [config, line] of cases) {
      const { host, plugin } = await start(JSON.stringify(config));
      expect(plugin.configured, JSON.stringify(config)).toBe(false);
      expect(host.logsAt("error")[0]).toBe(line);
    }
  });

  it("uses only the rules when the global settings are refused, with a warning", async () => {
    const { host, plugin } = await start(
      JSON.stringify({ tag: 7, _rules_: [{ _match_route_: ["checkout"], tag: "payments" }] }),
    );
    expect(plugin.configured).toBe(true);
    expect(host.logsAt("warn")).toContain(
      "per-route configuration: the global settings were refused; only _rules_ apply",
    );
    expect(send(plugin, "shop.example.com").requestHeader("x-route-tag")).toBeUndefined();
    expect(send(plugin, "shop.example.com", "checkout").requestHeader("x-route-tag")).toBe("payments");
  });
});
