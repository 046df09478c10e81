import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Host, type Plugin, routeCacheClears } from "proxy-wasm-as/host";

const WASM = fileURLToPath(new URL("../build/filter.wasm", import.meta.url));

async function start(configuration?: string) {
  const host = new Host();
  const vm = await host.loadVm(WASM);
  const plugin = vm.startPlugin(configuration === undefined ? {} : { configuration });
  return { host, plugin };
}

function tag(plugin: Plugin, headers: Record<string, string>, tagHeader = "x-swimlane") {
  const stream = plugin.newHttpStream();
  expect(
    stream.requestHeaders(
      { ":method": "GET", ":path": "/", ":authority": "example.com", ...headers },
      { endOfStream: true },
    ),
  ).toBe(0);
  return stream.requestHeader(tagHeader);
}

/** 32-bit FNV-1a over the UTF-8 bytes: what the filter computes. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

const expectedLane = (user: string, percent: number) =>
  fnv1a(user) % 10000 < Math.round(percent * 100) ? "canary" : "production";
const users = Array.from({ length: 2000 }, (_, i) => `user-${i}`);

describe("traffic-tag", () => {
  it("tags by FNV-1a of x-user-id, 10 % canary by default", async () => {
    const { plugin } = await start();
    expect(plugin.configured).toBe(true);
    const lanes = users.map((user) => tag(plugin, { "x-user-id": user }));
    expect(lanes).toEqual(users.map((user) => expectedLane(user, 10)));
    const canary = lanes.filter((lane) => lane === "canary").length;
    expect(canary).toBeGreaterThan(140);
    expect(canary).toBeLessThan(260);
  });

  it("keeps a user in the same lane on every request and every VM", async () => {
    const a = await start(JSON.stringify({ canaryPercent: 50 }));
    const b = await start(JSON.stringify({ canaryPercent: 50 }));
    for (const user of users.slice(0, 50)) {
      const lane = tag(a.plugin, { "x-user-id": user });
      expect(tag(a.plugin, { "x-user-id": user })).toBe(lane);
      expect(tag(b.plugin, { "x-user-id": user })).toBe(lane);
    }
  });

  it("only moves users from production to canary when the percentage grows", async () => {
    const low = await start(JSON.stringify({ canaryPercent: 5 }));
    const high = await start(JSON.stringify({ canaryPercent: 20.5 }));
    for (const user of users.slice(0, 500)) {
      const before = tag(low.plugin, { "x-user-id": user });
      const after = tag(high.plugin, { "x-user-id": user });
      expect(after).toBe(expectedLane(user, 20.5));
      if (before === "canary") expect(after).toBe("canary");
    }
  });

  it("0 % sends everyone to production, 100 % everyone to canary", async () => {
    const none = await start(JSON.stringify({ canaryPercent: 0 }));
    const all = await start(JSON.stringify({ canaryPercent: 100 }));
    for (const user of users.slice(0, 200)) {
      expect(tag(none.plugin, { "x-user-id": user })).toBe("production");
      expect(tag(all.plugin, { "x-user-id": user })).toBe("canary");
    }
  });

  it("keeps an existing x-swimlane, whatever its value", async () => {
    const { plugin } = await start(JSON.stringify({ canaryPercent: 0 }));
    const stream = plugin.newHttpStream();
    stream.requestHeaders(
      { ":method": "GET", ":path": "/", "x-user-id": "u", "x-swimlane": "canary" },
      { endOfStream: true },
    );
    expect(stream.requestHeadersMap.filter(([n]) => n === "x-swimlane")).toEqual([["x-swimlane", "canary"]]);
    expect(tag(plugin, { "x-swimlane": "blue" })).toBe("blue");
  });

  it("sends requests without a user id (or with an empty one) to production", async () => {
    const { plugin } = await start(JSON.stringify({ canaryPercent: 100 }));
    expect(tag(plugin, {})).toBe("production");
    expect(tag(plugin, { "x-user-id": "" })).toBe("production");
  });

  it("in a mesh, hashes the calling workload (Istio's downstream peer) when there is no user id", async () => {
    const { host, plugin } = await start(JSON.stringify({ canaryPercent: 50 }));
    const lanes = new Set<string>();
    for (const workload of users.slice(0, 40)) {
      host.setProperty(["filter_state", "downstream_peer"], { workload, namespace: "shop" });
      const lane = tag(plugin, {});
      expect(lane, workload).toBe(expectedLane(`shop/${workload}`, 50));
      lanes.add(lane!);
      // A user id still wins over the peer.
      expect(tag(plugin, { "x-user-id": "alice" })).toBe(expectedLane("alice", 50));
    }
    expect([...lanes].sort()).toEqual(["canary", "production"]);
  });

  it("with hashPeer false, a request without a user id goes to production even in a mesh", async () => {
    const { host, plugin } = await start(JSON.stringify({ canaryPercent: 100, hashPeer: false }));
    host.setProperty(["filter_state", "downstream_peer"], { workload: "client", namespace: "shop" });
    expect(tag(plugin, {})).toBe("production");
  });

  it("asks Envoy to match the route again after tagging, and tags on a proxy without that function", async () => {
    const { plugin } = await start();
    const stream = plugin.newHttpStream();
    stream.requestHeaders({ ":method": "GET", ":path": "/", "x-user-id": "bob" }, { endOfStream: true });
    expect(routeCacheClears.get(stream)).toBe(1);
    const kept = plugin.newHttpStream();
    kept.requestHeaders({ ":method": "GET", ":path": "/", "x-swimlane": "canary" }, { endOfStream: true });
    expect(routeCacheClears.get(kept)).toBeUndefined();

    const bare = new Host();
    bare.foreignFunctions.delete("clear_route_cache");
    const vm = await bare.loadVm(WASM);
    expect(tag(vm.startPlugin({}), { "x-user-id": "bob" })).toBe(expectedLane("bob", 10));
  });

  it("with clearRouteCache false, tags without calling clear_route_cache (for Kong / ngx_wasm_module)", async () => {
    const { plugin } = await start(JSON.stringify({ clearRouteCache: false }));
    const stream = plugin.newHttpStream();
    stream.requestHeaders({ ":method": "GET", ":path": "/", "x-user-id": "bob" }, { endOfStream: true });
    expect(stream.requestHeader("x-swimlane")).toBe(expectedLane("bob", 10));
    expect(routeCacheClears.get(stream)).toBeUndefined();
  });

  it("uses the configured user and tag headers, lower-cased", async () => {
    const { plugin } = await start(JSON.stringify({ userHeader: "X-Account", tagHeader: "X-Lane", canaryPercent: 30 }));
    for (const user of users.slice(0, 100)) {
      expect(tag(plugin, { "x-account": user }, "x-lane")).toBe(expectedLane(user, 30));
    }
    expect(tag(plugin, { "x-account": "a", "x-lane": "keep" }, "x-lane")).toBe("keep");
  });

  it("fails to start on malformed JSON, saying where", async () => {
    const { host, plugin } = await start('{"canaryPercent": 1O}');
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error").join("\n")).toMatch(/plugin configuration is not valid JSON: .* at byte 19/);
  });

  it("fails to start on keys of the wrong type or range, naming them", async () => {
    for (const [config, message] of [
      [{ canaryPercent: "10" }, '"canaryPercent" must be a number from 0 to 100'],
      [{ canaryPercent: 101 }, '"canaryPercent" must be a number from 0 to 100'],
      [{ canaryPercent: -1 }, '"canaryPercent" must be a number from 0 to 100'],
      [{ userHeader: 7 }, '"userHeader" must be a non-empty header name'],
      [{ tagHeader: ":authority" }, '"tagHeader" must be a non-empty header name'],
      [{ hashPeer: "yes" }, '"hashPeer" must be true or false'],
      [{ clearRouteCache: 0 }, '"clearRouteCache" must be true or false'],
    ] as const) {
      const { host, plugin } = await start(JSON.stringify(config));
      expect(plugin.configured, JSON.stringify(config)).toBe(false);
      expect(host.logsAt("error").join("\n")).toContain(message);
    }
  });
});
