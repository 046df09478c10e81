// Bodies through the SDK: buffering with Pause (cumulative sizes), replace, append, prepend,
// response rewrite, TCP data.
import { describe, expect, it } from "vitest";
import { probeHeaders, startProbe } from "./helpers.js";

describe("request and response bodies", () => {
  it("buffers chunks while paused and rewrites the whole body at end of stream", async () => {
    const { plugin } = await startProbe();
    const stream = plugin.newHttpStream();
    stream.requestHeaders(probeHeaders("buffer-body"));
    expect(stream.requestBody("hello ", false)).toBe(1); // Pause: keep buffering
    expect(stream.requestBody("world", true)).toBe(0);
    // The last call saw the cumulative size (11 bytes), as Envoy reports it.
    expect(stream.requestBodyText).toBe("[hello world](11)");
  });

  it("appends and prepends to a chunk", async () => {
    const { plugin } = await startProbe();
    const stream = plugin.newHttpStream();
    stream.requestHeaders(probeHeaders("append-body"));
    stream.requestBody("middle", true);
    expect(stream.requestBodyText).toBe("head+middle+tail");
  });

  it("rewrites the response body", async () => {
    const { plugin } = await startProbe();
    const stream = plugin.newHttpStream();
    stream.requestHeaders(probeHeaders("response-body"), { endOfStream: true });
    stream.responseHeaders([[":status", "200"]]);
    stream.responseBody("original", true);
    expect(stream.responseBodyText).toBe("rewritten");
  });

  it("handles an empty body and a large one without trapping", async () => {
    const { plugin } = await startProbe();
    const empty = plugin.newHttpStream();
    empty.requestHeaders(probeHeaders("buffer-body"));
    expect(empty.requestBody("", true)).toBe(0);
    expect(empty.requestBodyText).toBe("[](0)");
    const large = plugin.newHttpStream();
    large.requestHeaders(probeHeaders("buffer-body"));
    const chunk = "x".repeat(64 * 1024);
    for (let i = 0; i < 15; i++) large.requestBody(chunk, false);
    large.requestBody(chunk, true);
    expect(large.requestBodyText.length).toBe(16 * 64 * 1024 + "[](1048576)".length);
    large.complete();
  });
});

describe("TCP data", () => {
  it("reaches the TCP context and can be modified in both directions", async () => {
    const { plugin, host } = await startProbe(JSON.stringify({ tcp: true }));
    const connection = plugin.newTcpStream();
    connection.newConnection();
    connection.downstreamData("ping", false);
    expect(connection.downstreamDataText).toBe(">ping");
    connection.upstreamData("pong", false);
    expect(connection.upstreamDataText).toBe("pong<");
    connection.downstreamClose("local");
    expect(host.logsAt("info")).toContain("tcp downstream closed by 1");
  });
});
