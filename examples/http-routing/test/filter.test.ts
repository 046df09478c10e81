import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Action, Host, type Plugin } from "proxy-wasm-as/host";

const FILTER = fileURLToPath(new URL("../build/filter.wasm", import.meta.url));

async function start(configuration: string) {
  const host = new Host();
  const vm = await host.loadVm(FILTER);
  const plugin = vm.startPlugin({ configuration });
  return { host, vm, plugin };
}

/** Where a request ends up: the :authority the filter left (Envoy routes on it again). */
function route(plugin: Plugin, extra: [string, string][] = []): string | undefined {
  const s = plugin.newHttpStream();
  const action = s.requestHeaders([[":method", "GET"], [":path", "/"], [":authority", "shop.example.com"], ...extra], {
    endOfStream: true,
  });
  expect(action).toBe(Action.Continue);
  const authority = s.requestHeader(":authority");
  s.complete();
  return authority;
}

/** The filter's hash, FNV-1a 32 bits over the header value's bytes. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

describe("http-routing", () => {
  it("sends a user to the side the hash of x-user-id picks, every time", async () => {
    const { plugin } = await start('{"canary_authority": "canary.internal", "percentage": 30}');
    expect(plugin.configured).toBe(true);
    let canaries = 0;
    for (let i = 0; i < 200; i++) {
      const user = `user-${i}`;
      const expected = fnv1a(user) % 10000 < 3000 ? "canary.internal" : "shop.example.com";
      const first = route(plugin, [["x-user-id", user]]);
      expect(first, user).toBe(expected);
      expect(route(plugin, [["x-user-id", user]]), user).toBe(first); // sticky
      if (first === "canary.internal") canaries++;
    }
    // About 30% of users, as configured.
    expect(canaries).toBeGreaterThan(35);
    expect(canaries).toBeLessThan(85);
  });

  it("picks at random without the hash header, in the configured share", async () => {
    const { plugin } = await start('{"canary_authority": "canary.internal", "percentage": 25}');
    let canaries = 0;
    const n = 4000;
    for (let i = 0; i < n; i++) if (route(plugin) === "canary.internal") canaries++;
    // 25% ± 5 standard deviations (σ ≈ 0.7%): does not fail by chance.
    expect(canaries / n).toBeGreaterThan(0.215);
    expect(canaries / n).toBeLessThan(0.285);
  });

  it("sends nothing at 0% and everything at 100%, header or not", async () => {
    const none = (await start('{"canary_authority": "c", "percentage": 0}')).plugin;
    const all = (await start('{"canary_authority": "c", "percentage": 100}')).plugin;
    for (let i = 0; i < 50; i++) {
      expect(route(none)).toBe("shop.example.com");
      expect(route(none, [["x-user-id", `u${i}`]])).toBe("shop.example.com");
      expect(route(all)).toBe("c");
      expect(route(all, [["x-user-id", `u${i}`]])).toBe("c");
    }
  });

  it('hashes on the configured header; with hash_header "" always picks at random', async () => {
    const { plugin } = await start('{"canary_authority": "c", "percentage": 50, "hash_header": "X-Session"}');
    const sessions = Array.from({ length: 40 }, (_, i) => `s${i}`);
    for (const session of sessions) {
      const expected = fnv1a(session) % 10000 < 5000 ? "c" : "shop.example.com";
      expect(route(plugin, [["x-session", session]])).toBe(expected);
    }
    const random = (await start('{"canary_authority": "c", "percentage": 50, "hash_header": ""}')).plugin;
    const sides = new Set<string | undefined>();
    for (let i = 0; i < 64; i++) sides.add(route(random, [["x-user-id", "same-user"]]));
    expect(sides).toEqual(new Set(["c", "shop.example.com"]));
  });

  it("changes nothing but :authority", async () => {
    const { plugin } = await start('{"canary_authority": "canary.internal", "percentage": 100}');
    const s = plugin.newHttpStream();
    s.requestHeaders(
      [
        [":method", "POST"],
        [":path", "/cart"],
        [":authority", "shop.example.com"],
        ["x-user-id", "u"],
      ],
      { endOfStream: true },
    );
    expect(s.requestHeadersMap).toEqual([
      [":method", "POST"],
      [":path", "/cart"],
      [":authority", "canary.internal"],
      ["x-user-id", "u"],
    ]);
  });

  it("defaults to 10%", async () => {
    const { plugin } = await start('{"canary_authority": "c"}');
    const users = Array.from({ length: 100 }, (_, i) => `id-${i}`);
    for (const user of users) {
      expect(route(plugin, [["x-user-id", user]])).toBe(fnv1a(user) % 10000 < 1000 ? "c" : "shop.example.com");
    }
  });

  it("refuses a missing configuration: the canary authority is required", async () => {
    const { host, plugin } = await start("");
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error")).toContain(
      'http-routing: "canary_authority" is required (the host name the canary\'s virtual host matches)',
    );
  });

  it("refuses malformed JSON, saying why", async () => {
    const { host, plugin } = await start("{'canary_authority': 'c'}");
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error").join("\n")).toMatch(/plugin configuration is not valid JSON/);
  });

  it("refuses bad values", async () => {
    for (const [configuration, message] of [
      ['{"canary_authority": ""}', 'http-routing: "canary_authority" must be a non-empty string'],
      ['{"canary_authority": "c", "percentage": 101}', 'http-routing: "percentage" must be a number from 0 to 100'],
      ['{"canary_authority": "c", "percentage": -1}', 'http-routing: "percentage" must be a number from 0 to 100'],
      ['{"canary_authority": "c", "percentage": "10"}', 'http-routing: "percentage" must be a number from 0 to 100'],
      [
        '{"canary_authority": "c", "hash_header": 1}',
        'http-routing: "hash_header" must be a string ("" to always choose at random)',
      ],
      ["[]", "http-routing: configuration must be a JSON object"],
    ]) {
      const { host, plugin } = await start(configuration);
      expect(plugin.configured, configuration).toBe(false);
      expect(host.logsAt("error"), configuration).toContain(message);
    }
  });

  it("keeps memory flat over many requests", async () => {
    const host = new Host({ record: false });
    const vm = await host.loadVm(FILTER);
    const plugin = vm.startPlugin({ configuration: '{"canary_authority": "c", "percentage": 50}' });
    let i = 0;
    const run = () => {
      const s = plugin.newHttpStream();
      const extra: [string, string][] = i++ % 2 ? [["x-user-id", `u${i % 100}`]] : [];
      s.requestHeaders([[":method", "GET"], [":path", "/"], [":authority", "a"], ...extra], { endOfStream: true });
      s.responseHeaders([[":status", "200"]], { endOfStream: true });
      s.complete();
    };
    for (let n = 0; n < 1000; n++) run();
    const before = vm.memoryBytes;
    for (let n = 0; n < 10000; n++) run();
    expect(vm.memoryBytes).toBe(before);
  });
});
