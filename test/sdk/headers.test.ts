// Header maps through the SDK: get (missing vs empty), add, replace, remove, get all, set all,
// UTF-8, and trailers.
import { describe, expect, it } from "vitest";
import { probeHeaders, startProbe } from "./helpers.js";

describe("request headers", () => {
  it("tells a missing header (null) from an empty one", async () => {
    const { plugin } = await startProbe();
    const stream = plugin.newHttpStream();
    stream.requestHeaders(
      probeHeaders("headers", [
        ["x-empty", ""],
        ["x-replace", "old"],
        ["x-replace", "older"],
        ["x-remove", "gone"],
      ]),
    );
    const headers = stream.requestHeadersMap;
    expect(headers).toContainEqual(["x-missing-is-null", "yes"]);
    expect(headers).toContainEqual(["x-empty-is-empty", "yes"]);
  });

  it("replaces every value of a name with one, and removes all values of a name", async () => {
    const { plugin } = await startProbe();
    const stream = plugin.newHttpStream();
    stream.requestHeaders(
      probeHeaders("headers", [
        ["x-replace", "old"],
        ["x-replace", "older"],
        ["x-remove", "gone"],
      ]),
    );
    const headers = stream.requestHeadersMap;
    expect(headers.filter(([name]) => name === "x-replace")).toEqual([["x-replace", "new"]]);
    expect(headers.some(([name]) => name === "x-remove")).toBe(false);
  });

  it("reads the whole map, and writes UTF-8 values intact", async () => {
    const { plugin } = await startProbe();
    const stream = plugin.newHttpStream();
    const sent = probeHeaders("headers");
    stream.requestHeaders(sent);
    const headers = stream.requestHeadersMap;
    // getAll ran after two adds and one replace (x-replace was absent, so it was added).
    expect(headers).toContainEqual(["x-count", String(sent.length + 3)]);
    expect(headers).toContainEqual(["x-utf8", "héllo ✓"]);
  });

  it("replaces the whole map at once", async () => {
    const { plugin } = await startProbe();
    const stream = plugin.newHttpStream();
    stream.requestHeaders(probeHeaders("set-all"));
    expect(stream.requestHeadersMap).toEqual([
      [":path", "/rewritten"],
      ["x-only", "1"],
    ]);
  });

  it("adds request trailers it was given", async () => {
    const { plugin } = await startProbe();
    const stream = plugin.newHttpStream();
    stream.requestHeaders(probeHeaders("trailers"));
    stream.requestBody("data", false);
    stream.requestTrailers([["grpc-status", "0"]]);
    expect(stream.requestTrailersMap).toContainEqual(["x-trailer-seen", "1"]);
  });

  it("adds a response header on every stream", async () => {
    const { plugin } = await startProbe();
    const stream = plugin.newHttpStream();
    stream.requestHeaders(probeHeaders("none"), { endOfStream: true });
    stream.responseHeaders([[":status", "200"]], { endOfStream: true });
    expect(stream.responseHeadersMap).toContainEqual(["x-probe-response", "none"]);
  });
});
