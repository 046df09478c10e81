// Memory over many stream lifecycles: for every example, linear memory after N random streams
// (seeded; bodies up to 4 KB) and after that workload replayed to 10 × N is the same: growth after
// the first pass is a leak. The quick version; `node test/reliability/soak.mjs` runs 10,000
// against 1,000,000.
import { describe, expect, it } from "vitest";
// @ts-expect-error plain JS module shared with soak.mjs
import * as driver from "./driver.mjs";

const FIRST = 2_000;
const THEN = 20_000;
const examples: { name: string }[] = driver.listExamples();

describe(`memory after ${FIRST} and after ${THEN} stream lifecycles`, () => {
  it.each(examples.map((e) => [e.name, e] as const))("%s: no growth", async (_name, example) => {
    const env = await driver.fresh(example, { record: false });
    const stats = new driver.Stats();
    driver.runTraffic(env, { seed: 5, count: FIRST, large: false, stats, deletedCallbacks: 0 });
    const after = env.vm.memoryBytes;
    for (let done = FIRST; done < THEN; done += FIRST)
      driver.runTraffic(env, { seed: 5, count: FIRST, large: false, stats, deletedCallbacks: 0 });
    expect(stats.traps, stats.problems.join("\n")).toBe(0);
    expect(env.vm.memoryBytes).toBe(after);
  });
});

// Envoy accepts up to 100 headers by default. A filter that builds a string by repeated `+=`
// over a header map makes garbage quadratic in its size, and the SDK collects every 32 streams:
// found in examples/http-headers (logHeaders), which reaches 32 MiB here.
describe("requests and responses of 100 headers (Envoy's default limit), 64 streams", () => {
  it.each(examples.map((e) => [e.name, e] as const))("%s: linear memory stays under 4 MiB", async (_name, example) => {
    const env = await driver.fresh(example, { record: false });
    const { host, plugin } = env;
    const big: [string, string][] = [
      [":method", "POST"],
      [":path", "/items"],
      [":authority", "example.com"],
      ["content-type", "application/json"],
    ];
    for (let i = 0; i < 96; i++) big.push([`x-h-${i}`, "v".repeat(40)]);
    for (let k = 0; k < 64; k++) {
      if (env.tcp) {
        const c = plugin.newTcpStream();
        c.newConnection();
        c.downstreamData("x".repeat(4000));
        c.complete();
        continue;
      }
      const s = plugin.newHttpStream();
      s.requestHeaders(big);
      s.requestBody('{"user":"a","action":"b"}', true);
      for (const c of host.httpCalls) host.respondHttpCall(c.token, { status: 200 });
      for (const c of host.grpcCalls) host.respondGrpcCall(c.token, "ok");
      if (s.requestHeadersForwarded && !s.localResponse)
        s.responseHeaders([...big.slice(4), [":status", "200"]], { endOfStream: true });
      for (const c of host.httpCalls) host.respondHttpCall(c.token, { status: 200 });
      if (!s.reset) s.complete();
    }
    expect(env.vm.memoryBytes).toBeLessThanOrEqual(4 * 1024 * 1024);
  });
});
