// Local responses, HTTP calls and gRPC calls: answers reach the stream that made the call,
// failures are defined outcomes, and answers for deleted streams are dropped quietly.
import { describe, expect, it } from "vitest";
import { probeHeaders, startProbe } from "./helpers.js";

describe("local responses", () => {
  it("answers with status, body and headers, and the stream stops there", async () => {
    const { plugin } = await startProbe();
    const stream = plugin.newHttpStream();
    stream.requestHeaders(probeHeaders("local"));
    expect(stream.localResponse).toMatchObject({ status: 403, details: "probe_denied" });
    expect(Buffer.from(stream.localResponse!.body).toString()).toBe("denied by probe");
    expect(stream.localResponse!.headers).toContainEqual(["x-reason", "probe"]);
  });
});

describe("HTTP calls", () => {
  it("pauses the request, routes the answer to the stream, and resumes it on 200", async () => {
    const { host, plugin } = await startProbe();
    const stream = plugin.newHttpStream();
    expect(stream.requestHeaders(probeHeaders("call"))).toBe(1);
    expect(host.httpCalls).toHaveLength(1);
    const call = host.httpCalls[0];
    expect(call.upstream).toBe("auth-cluster");
    expect(call.headers).toContainEqual([":path", "/check"]);
    host.respondHttpCall(call.token, { headers: [[":status", "200"]], body: "ok-body" });
    expect(stream.requestHeadersMap).toContainEqual(["x-auth-body", "ok-body"]);
    expect(stream.localResponse).toBeNull();
    expect(stream.requestResumedCount).toBe(1);
    expect(stream.requestPaused).toBe(false);
  });

  it("answers 403 when the auth service says no", async () => {
    const { host, plugin } = await startProbe();
    const stream = plugin.newHttpStream();
    stream.requestHeaders(probeHeaders("call"));
    host.respondHttpCall(host.httpCalls[0].token, { headers: [[":status", "401"]], body: "nope" });
    expect(stream.localResponse).toMatchObject({ status: 403 });
    expect(Buffer.from(stream.localResponse!.body).toString()).toBe("denied: nope");
  });

  it("answers 503 when the call fails or times out (zero headers)", async () => {
    const { host, plugin } = await startProbe();
    const stream = plugin.newHttpStream();
    stream.requestHeaders(probeHeaders("call"));
    host.failHttpCall(host.httpCalls[0].token);
    expect(stream.localResponse).toMatchObject({ status: 503 });
  });

  it("drops an answer that arrives after its stream was deleted", async () => {
    const { host, plugin } = await startProbe();
    const stream = plugin.newHttpStream();
    stream.requestHeaders(probeHeaders("call"));
    const token = host.httpCalls[0].token;
    stream.complete();
    expect(() => host.respondHttpCall(token, { headers: [[":status", "200"]] })).not.toThrow();
    expect(host.logsAt("critical")).toEqual([]);
  });
});

describe("gRPC calls", () => {
  it("routes the message and the close to the stream that called", async () => {
    const { host, plugin } = await startProbe();
    const stream = plugin.newHttpStream();
    expect(stream.requestHeaders(probeHeaders("grpc"))).toBe(1);
    const call = host.grpcCalls[0];
    expect(call).toMatchObject({ upstream: "grpc-cluster", service: "auth.Check", method: "Allow" });
    host.respondGrpcCall(call.token, "granted");
    expect(stream.requestHeadersMap).toContainEqual(["x-grpc-message", "granted"]);
    expect(stream.localResponse).toBeNull();
  });

  it("answers with the gRPC status when the call closes with an error", async () => {
    const { host, plugin } = await startProbe();
    const stream = plugin.newHttpStream();
    stream.requestHeaders(probeHeaders("grpc"));
    host.failGrpcCall(host.grpcCalls[0].token, 7, "permission denied");
    expect(stream.localResponse).toMatchObject({ status: 403, grpcStatus: 7 });
    expect(Buffer.from(stream.localResponse!.body).toString()).toBe("grpc status 7: permission denied");
  });
});
