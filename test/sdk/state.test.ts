// Shared data with CAS, shared queues, properties, metrics, time and ticks.
import { describe, expect, it } from "vitest";
import { probeHeaders, startProbe } from "./helpers.js";

describe("shared data", () => {
  it("reads NotFound first, writes with CAS, and refuses a stale CAS", async () => {
    const { plugin, host } = await startProbe();
    const stream = plugin.newHttpStream();
    stream.requestHeaders(probeHeaders("shared"));
    const headers = stream.requestHeadersMap;
    expect(headers).toContainEqual(["x-shared-before", "absent"]);
    expect(headers).toContainEqual(["x-shared-set", "OK"]);
    expect(headers).toContainEqual(["x-shared-cas", "OK"]);
    expect(headers).toContainEqual(["x-shared-stale", "CAS_MISMATCH"]);
    expect(host.sharedData.get("probe-key")?.text).toBe("v2");
  });
});

describe("shared queues", () => {
  it("delivers an item enqueued by one VM to the plugin that registered the queue", async () => {
    const { host, plugin } = await startProbe();
    const stream = plugin.newHttpStream();
    stream.requestHeaders(probeHeaders("enqueue"));
    expect(stream.requestHeadersMap).toContainEqual(["x-queue", "OK"]);
    expect(host.logsAt("info")).toContain("probe dequeued item");
  });
});

describe("properties", () => {
  it("reads strings, integers, booleans and maps in the host's encodings", async () => {
    const { plugin, host } = await startProbe();
    host.setProperty(["connection", "mtls"], true);
    const stream = plugin.newHttpStream();
    // request.size comes from the stream (0 here, no body); a value set on the stream replaces it.
    stream.setProperty(["request", "size"], 42n);
    stream.requestHeaders(probeHeaders("properties"));
    const headers = stream.requestHeadersMap;
    // request.path and request.headers come from the stream itself, as in Envoy.
    expect(headers).toContainEqual(["x-prop-path", "/"]);
    expect(headers).toContainEqual(["x-prop-missing", "null"]);
    expect(headers).toContainEqual(["x-prop-int", "42"]);
    expect(headers).toContainEqual(["x-prop-bool", "true"]);
    // The map is read live: the 4 headers sent plus the 4 the probe added before reading it.
    expect(headers).toContainEqual(["x-prop-map", "8"]);
  });
});

describe("metrics", () => {
  it("defines counters with tags in the name, gauges and histograms", async () => {
    const { plugin, host } = await startProbe();
    for (let i = 0; i < 3; i++) {
      const stream = plugin.newHttpStream();
      stream.requestHeaders(probeHeaders("none"), { endOfStream: true });
      stream.complete();
    }
    expect(host.metrics.get("probe_requests.plugin=.=probe;.;")).toMatchObject({ type: "counter", value: 3n });
    expect(host.metrics.get("probe_active")).toMatchObject({ type: "gauge", value: 0n });
    expect(host.metrics.get("probe_body_bytes")).toMatchObject({ type: "histogram" });
  });
});

describe("time, log level and ticks", () => {
  it("reads the clock and the log level", async () => {
    const { plugin } = await startProbe();
    const stream = plugin.newHttpStream();
    stream.requestHeaders(probeHeaders("time"));
    expect(stream.requestHeadersMap).toContainEqual(["x-time", "set"]);
  });

  it("ticks only a plugin that set a period", async () => {
    const { host } = await startProbe(JSON.stringify({ tick: true }));
    host.advanceTime(250);
    expect(host.logsAt("info").filter((line) => line.startsWith("probe tick"))).toHaveLength(2);
    const quiet = await startProbe();
    quiet.host.advanceTime(1000);
    expect(quiet.host.logsAt("info").some((line) => line.startsWith("probe tick"))).toBe(false);
  });
});
