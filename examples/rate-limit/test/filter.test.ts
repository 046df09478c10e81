import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Host, type Plugin } from "proxy-wasm-as/host";

const WASM = fileURLToPath(new URL("../build/filter.wasm", import.meta.url));
const NOW = 1_704_067_200; // the emulator's clock, in seconds: 2024-01-01T00:00:00Z (a whole minute)

/** One host (one proxy) with `workers` VMs of the filter, as Envoy runs one per worker thread. */
async function start(configuration?: string, workers = 1) {
  const host = new Host();
  const plugins: Plugin[] = [];
  for (let i = 0; i < workers; i++) {
    const vm = await host.loadVm(WASM);
    plugins.push(vm.startPlugin(configuration === undefined ? {} : { configuration }));
  }
  return { host, plugins, plugin: plugins[0] };
}

/** A request from `client` through `plugin`; the response is sent when the filter lets it pass. */
function request(plugin: Plugin, client: string | null, header = "x-forwarded-for") {
  const stream = plugin.newHttpStream();
  const headers: Record<string, string> = { ":method": "GET", ":path": "/", ":authority": "example.com" };
  if (client !== null) headers[header] = client;
  const action = stream.requestHeaders(headers, { endOfStream: true });
  if (stream.localResponse === null) stream.responseHeaders({ ":status": "200" }, { endOfStream: true });
  stream.complete();
  return { stream, action, status: stream.localResponse?.status ?? 200 };
}

function stored(host: Host, key: string) {
  const entry = host.sharedData.get(key);
  if (!entry) return undefined;
  const view = new DataView(entry.value.buffer, entry.value.byteOffset, entry.value.byteLength);
  return { windowStart: view.getUint32(0, true), count: view.getUint32(4, true), cas: entry.cas };
}

describe("rate-limit", () => {
  it("allows `limit` requests per client and window (defaults: 10 per 60 s), then answers 429", async () => {
    const { plugin } = await start();
    expect(plugin.configured).toBe(true);
    const statuses = Array.from({ length: 12 }, () => request(plugin, "203.0.113.7").status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 429, 429]);
  });

  it("puts the limit headers on allowed responses", async () => {
    const { host, plugin } = await start(JSON.stringify({ limit: 3 }));
    host.advanceTime(15_000);
    const first = request(plugin, "203.0.113.7").stream;
    expect(first.responseHeader("x-rate-limit-limit")).toBe("3");
    expect(first.responseHeader("x-rate-limit-remaining")).toBe("2");
    expect(first.responseHeader("x-rate-limit-reset")).toBe("45");
    expect(request(plugin, "203.0.113.7").stream.responseHeader("x-rate-limit-remaining")).toBe("1");
    expect(request(plugin, "203.0.113.7").stream.responseHeader("x-rate-limit-remaining")).toBe("0");
  });

  it("answers 429 with limit, remaining 0, reset and retry-after, and nothing goes upstream", async () => {
    const { host, plugin } = await start(JSON.stringify({ limit: 1, windowSeconds: 10 }));
    host.advanceTime(3_000);
    request(plugin, "198.51.100.1");
    const { stream, action } = request(plugin, "198.51.100.1");
    expect(action).toBe(1);
    expect(stream.localResponse?.status).toBe(429);
    expect(stream.localResponse?.bodyText).toBe("rate limit exceeded\n");
    expect(stream.localResponse?.details).toBe("rate_limited");
    expect(stream.localResponse?.headers).toEqual([
      ["x-rate-limit-limit", "1"],
      ["x-rate-limit-remaining", "0"],
      ["x-rate-limit-reset", "7"],
      ["retry-after", "7"],
    ]);
  });

  it("counts each client separately, by the first x-forwarded-for address", async () => {
    const { plugin } = await start(JSON.stringify({ limit: 1 }));
    expect(request(plugin, "203.0.113.7, 10.0.0.1").status).toBe(200);
    expect(request(plugin, " 203.0.113.7 ,10.0.0.2").status).toBe(429); // same client, other hops
    expect(request(plugin, "203.0.113.8, 10.0.0.1").status).toBe(200);
  });

  it("counts requests without the header in one shared bucket", async () => {
    const { host, plugin } = await start(JSON.stringify({ limit: 2 }));
    expect(request(plugin, null).status).toBe(200);
    expect(request(plugin, "").status).toBe(200);
    expect(request(plugin, null).status).toBe(429);
    expect(stored(host, "rate-limit:-")?.count).toBe(2);
  });

  it("uses the configured header", async () => {
    const { plugin } = await start(JSON.stringify({ header: "X-Api-Key", limit: 1 }));
    expect(request(plugin, "key-a", "x-api-key").status).toBe(200);
    expect(request(plugin, "key-a", "x-api-key").status).toBe(429);
    expect(request(plugin, "key-b", "x-api-key").status).toBe(200);
  });

  it("starts counting again in the next window", async () => {
    const { host, plugin } = await start(JSON.stringify({ limit: 2, windowSeconds: 60 }));
    request(plugin, "c");
    request(plugin, "c");
    expect(request(plugin, "c").status).toBe(429);
    host.advanceTime(59_999);
    expect(request(plugin, "c").status).toBe(429);
    host.advanceTime(1);
    const { stream, status } = request(plugin, "c");
    expect(status).toBe(200);
    expect(stream.responseHeader("x-rate-limit-remaining")).toBe("1");
    expect(stored(host, "rate-limit:c")).toMatchObject({ windowStart: NOW + 60, count: 1 });
  });

  it("shares the count between worker VMs through shared data", async () => {
    const { host, plugins } = await start(JSON.stringify({ limit: 5 }), 2);
    const [a, b] = plugins;
    const statuses = [a, b, a, b, a, b, a].map((p) => request(p, "203.0.113.7").status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(stored(host, "rate-limit:203.0.113.7")).toMatchObject({ windowStart: NOW, count: 5 });
  });

  it("retries on CAS_MISMATCH when another worker writes between its read and its write", async () => {
    const { host, plugin } = await start(JSON.stringify({ limit: 10 }), 1);
    request(plugin, "c"); // count 1
    // Another worker counts 3 requests right after each of this worker's next two reads.
    const shared = host.sharedData;
    const read = shared.get.bind(shared);
    let interruptions = 2;
    shared.get = (key: string, vmId?: string) => {
      const entry = read(key, vmId);
      if (interruptions-- > 0 && entry) {
        const value = new Uint8Array(entry.value);
        new DataView(value.buffer).setUint32(4, new DataView(value.buffer).getUint32(4, true) + 3, true);
        shared.set(key, value, { vmId });
      }
      return entry;
    };
    const { stream, status } = request(plugin, "c");
    expect(status).toBe(200);
    expect(stored(host, "rate-limit:c")?.count).toBe(1 + 3 + 3 + 1); // nobody's count lost
    expect(stream.responseHeader("x-rate-limit-remaining")).toBe("2");
    expect(host.logsAt("warn")).toEqual([]);
  });

  it("lets the request through with a warning when the value keeps changing (bounded retries)", async () => {
    const { host, plugin } = await start(JSON.stringify({ limit: 10 }));
    request(plugin, "c");
    const shared = host.sharedData;
    const read = shared.get.bind(shared);
    let reads = 0;
    shared.get = (key: string, vmId?: string) => {
      reads++;
      const entry = read(key, vmId);
      if (entry) shared.set(key, entry.value, { vmId }); // a new CAS every time
      return entry;
    };
    const { status, stream } = request(plugin, "c");
    expect(status).toBe(200);
    expect(reads).toBe(8);
    expect(stream.responseHeader("x-rate-limit-remaining")).toBeUndefined();
    expect(host.logsAt("warn")).toEqual([
      "rate-limit: shared data kept changing (8 attempts); letting the request through",
    ]);
  });

  it("fails to start on malformed JSON, saying where", async () => {
    const { host, plugin } = await start('{"limit": 10,}');
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error").join("\n")).toMatch(/plugin configuration is not valid JSON: .* at byte 13/);
  });

  it("fails to start on keys of the wrong type or range, naming them", async () => {
    for (const [config, message] of [
      [{ limit: "10" }, '"limit" must be a whole number from 1 to 1000000000'],
      [{ limit: 0 }, '"limit" must be a whole number'],
      [{ limit: 2.5 }, '"limit" must be a whole number'],
      [{ windowSeconds: -60 }, '"windowSeconds" must be a whole number'],
      [{ header: "" }, '"header" must be a non-empty header name'],
      [{ header: ":authority" }, '"header" must be a non-empty header name'],
      [{ header: ["x-forwarded-for"] }, '"header" must be a non-empty header name'],
    ] as const) {
      const { host, plugin } = await start(JSON.stringify(config));
      expect(plugin.configured, JSON.stringify(config)).toBe(false);
      expect(host.logsAt("error").join("\n")).toContain(message);
    }
  });
});
