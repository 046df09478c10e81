// The fault injector's own contract (host/faults.ts), through the SDK probe filter.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FaultInjector, Host, Status } from "../../host/index.js";

const PROBE = readFileSync(fileURLToPath(new URL("../build/sdk-probe.wasm", import.meta.url)));
const GET: [string, string][] = [
  [":method", "GET"],
  [":path", "/"],
  [":authority", "example.com"],
];

async function probe(host: Host) {
  const vm = await host.loadVm(PROBE);
  return { vm, plugin: vm.startPlugin({ configuration: "{}" }) };
}

describe("fault injection API", () => {
  it("is off by default, and injectFaults(null) switches it off again", async () => {
    const host = new Host();
    expect(host.faults).toBeNull();
    expect(host.injectFaults({ rate: 1 })).toBeInstanceOf(FaultInjector);
    expect(host.injectFaults(null)).toBeNull();
    const { plugin } = await probe(host);
    const s = plugin.newHttpStream();
    s.requestHeaders([...GET, ["x-probe", "headers"]]);
    expect(s.requestHeadersMap).toContainEqual(["x-utf8", "héllo ✓"]);
  });

  it("failNext fails exactly the chosen call, which the SDK logs on the stream's context", async () => {
    const host = new Host();
    const { plugin } = await probe(host);
    const faults = host.injectFaults({})!;
    faults.failNext("proxy_http_call", Status.INTERNAL_FAILURE);
    const s = plugin.newHttpStream();
    s.requestHeaders([...GET, ["x-probe", "call"]]);
    expect(s.localResponse?.bodyText).toBe("dispatch failed: INTERNAL_FAILURE");
    expect(host.httpCalls).toEqual([]);
    expect(faults.injected).toBe(1);
    expect(faults.records).toEqual([
      { call: "proxy_http_call", status: Status.INTERNAL_FAILURE, vmId: "", contextId: s.id },
    ]);
    expect(host.logs).toContainEqual({
      level: "warn",
      message: "dispatch HTTP call failed: host status 10",
      contextId: s.id,
      vmId: "",
    });
    // The next one goes through.
    const t = plugin.newHttpStream();
    t.requestHeaders([...GET, ["x-probe", "call"]]);
    expect(host.httpCalls).toHaveLength(1);
  });

  it("a faulted call writes no return pointer: a missing buffer reads as absent", async () => {
    const host = new Host();
    const { plugin } = await probe(host);
    host.injectFaults({ rate: 1, calls: { proxy_get_buffer_bytes: [Status.NOT_FOUND] } });
    const s = plugin.newHttpStream();
    s.requestHeaders([...GET, ["x-probe", "buffer-body"]]);
    s.requestBody("abc", true);
    // getText() gave "" for the missing body: the filter replaced it with "[](3)".
    expect(s.requestBodyText).toBe("[](3)");
  });

  it("the same seed injects the same faults", async () => {
    const run = async () => {
      const host = new Host({ faults: { seed: 42, rate: 0.3 } });
      host.faults!.enabled = false;
      const { plugin } = await probe(host);
      host.faults!.enabled = true;
      for (let i = 0; i < 50; i++) {
        const s = plugin.newHttpStream();
        s.requestHeaders([...GET, ["x-probe", "headers"]], { endOfStream: true });
        s.complete();
      }
      return host.faults!.records.map((r) => `${r.call}:${r.status}`);
    };
    const a = await run();
    expect(a.length).toBeGreaterThan(10);
    expect(await run()).toEqual(a);
  });

  it("is never applied while _initialize runs", async () => {
    const host = new Host({ faults: { rate: 1 } });
    const vm = await host.loadVm(PROBE);
    expect(vm.failure).toBeNull();
  });

  it("settles upstream calls as answered, failed or timed out by their shares", async () => {
    const host = new Host();
    const { plugin } = await probe(host);
    const faults = host.injectFaults({ seed: 3, upstream: { fail: 0.3, timeout: 0.3 } })!;
    const fates: Record<string, number> = {};
    const start = host.now;
    for (let i = 0; i < 60; i++) {
      const s = plugin.newHttpStream();
      s.requestHeaders([...GET, ["x-probe", "call"]]);
      const fate = faults.settleHttpCall(host, host.httpCalls[0].token, { status: 200, body: "ok" });
      fates[fate] = (fates[fate] ?? 0) + 1;
      if (fate === "answered") expect(s.requestHeadersMap).toContainEqual(["x-auth-body", "ok"]);
      // A timeout is Envoy's 504 answer (a response the probe denies); a failure has no response.
      else if (fate === "timed-out") expect(s.localResponse?.status).toBe(403);
      else expect(s.localResponse?.status).toBe(503);
    }
    expect(fates.answered).toBeGreaterThan(5);
    expect(fates.failed).toBe(faults.upstreamFailures);
    expect(fates["timed-out"]).toBe(faults.upstreamTimeouts);
    expect(host.now - start).toBe(BigInt(faults.upstreamTimeouts) * 1000n * 1_000_000n); // 1000 ms timeout each
  });

  it("rejects unknown host functions and bad rates", () => {
    expect(() => new FaultInjector({ calls: ["proxy_nope"] })).toThrow(/not a host function/);
    expect(() => new FaultInjector({ rate: 2 })).toThrow(/rate/);
    expect(() => new FaultInjector().failNext("nope")).toThrow(/not a host function/);
  });
});
