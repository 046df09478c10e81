import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Action, Host, type Plugin } from "proxy-wasm-as/host";

const FILTER = fileURLToPath(new URL("../build/filter.wasm", import.meta.url));

const CONFIG = JSON.stringify({ cluster: "auth", service: "auth.v1.Authorizer", method: "Check", timeout_ms: 500 });

async function start(configuration = CONFIG, host = new Host()) {
  const vm = await host.loadVm(FILTER);
  const plugin = vm.startPlugin({ configuration });
  return { host, vm, plugin };
}

function request(plugin: Plugin, extra: [string, string][] = [], path = "/orders/7") {
  const s = plugin.newHttpStream();
  const action = s.requestHeaders([[":method", "GET"], [":path", path], [":authority", "shop"], ...extra], {
    endOfStream: true,
  });
  return { s, action };
}

/** A minimal protobuf reader for CheckRequest { string path = 1; string authorization = 2; }. */
function decodeCheckRequest(bytes: Uint8Array): { fields: [number, string][] } {
  const fields: [number, string][] = [];
  let at = 0;
  const varint = () => {
    let value = 0,
      shift = 0,
      byte: number;
    do {
      byte = bytes[at++];
      value |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  while (at < bytes.length) {
    const tag = varint();
    expect(tag & 7).toBe(2); // length-delimited
    const length = varint();
    fields.push([tag >> 3, new TextDecoder().decode(bytes.subarray(at, at + length))]);
    at += length;
  }
  expect(at).toBe(bytes.length);
  return { fields };
}

describe("grpc-auth", () => {
  it("asks the authorisation service with path and authorization, and lets the request go when it answers OK", async () => {
    const { host, plugin } = await start();
    expect(plugin.configured).toBe(true);
    const { s, action } = request(plugin, [["authorization", "Bearer good"]]);
    expect(action).toBe(Action.Pause);
    expect(host.grpcCalls).toHaveLength(1);
    const call = host.grpcCalls[0];
    expect(call).toMatchObject({ upstream: "auth", service: "auth.v1.Authorizer", method: "Check", timeoutMs: 500 });
    expect(call.callerContextId).toBe(s.id);
    expect(decodeCheckRequest(call.message).fields).toEqual([
      [1, "/orders/7"],
      [2, "Bearer good"],
    ]);

    // Envoy: a successful unary call arrives as its response message, with no close after it.
    host.respondGrpcCall(call.token, new Uint8Array([0x08, 0x01]));
    expect(s.localResponse).toBeNull();
    expect(s.requestPaused).toBe(false);
    expect(s.requestResumedCount).toBe(1);
    expect(s.requestHeadersForwarded).toBe(true);
  });

  it("answers 403 with grpc-status 7 when the service denies", async () => {
    const { host, plugin } = await start();
    const { s } = request(plugin, [["authorization", "Bearer bad"]]);
    host.failGrpcCall(host.grpcCalls[0].token, 7, "not allowed");
    expect(s.localResponse).toMatchObject({ status: 403, details: "grpc_auth_denied", grpcStatus: 7 });
    expect(s.localResponse!.bodyText).toBe("access denied\n");
    expect(s.requestHeadersForwarded).toBe(false);
  });

  it("fails closed: 403 when the service is unavailable or times out", async () => {
    const { host, plugin } = await start();
    for (const status of [14 /* UNAVAILABLE */, 4 /* DEADLINE_EXCEEDED */, 16 /* UNAUTHENTICATED */]) {
      const { s } = request(plugin, [["authorization", "Bearer x"]]);
      host.failGrpcCall(host.grpcCalls[0].token, status, "upstream");
      expect(s.localResponse, String(status)).toMatchObject({ status: 403, grpcStatus: 7 });
    }
  });

  it("allows on a close with status 0 too (hosts that close successful calls)", async () => {
    const { host, plugin } = await start();
    const { s } = request(plugin);
    host.failGrpcCall(host.grpcCalls[0].token, 0);
    expect(s.localResponse).toBeNull();
    expect(s.requestResumedCount).toBe(1);
  });

  it("leaves out the authorization field when the header is missing; the service decides", async () => {
    const { host, plugin } = await start();
    request(plugin, [], "/public");
    expect(decodeCheckRequest(host.grpcCalls[0].message).fields).toEqual([[1, "/public"]]);
  });

  it("encodes long values with multi-byte lengths", async () => {
    const { host, plugin } = await start();
    const token = "Bearer " + "t".repeat(300);
    request(plugin, [["authorization", token]], "/p");
    expect(decodeCheckRequest(host.grpcCalls[0].message).fields).toEqual([
      [1, "/p"],
      [2, token],
    ]);
  });

  it("answers 503 with grpc-status 14 when the call cannot be sent", async () => {
    const { host, plugin } = await start(CONFIG, new Host({ clusters: ["backend"] }));
    const { s, action } = request(plugin, [["authorization", "Bearer good"]]);
    expect(action).toBe(Action.Pause);
    expect(host.grpcCalls).toHaveLength(0);
    expect(s.localResponse).toMatchObject({ status: 503, details: "grpc_auth_unavailable", grpcStatus: 14 });
    expect(
      host.logsAt("warn").some((l) => l.startsWith("grpc-auth: cannot call auth.v1.Authorizer/Check on auth: ")),
    ).toBe(true);
  });

  it("does not trap when the stream is gone before the answer", async () => {
    const { host, vm, plugin } = await start();
    const { s } = request(plugin);
    const token = host.grpcCalls[0].token;
    s.complete();
    expect(() => host.respondGrpcCall(token, "")).not.toThrow();
    expect(vm.failure).toBeNull();
    expect(host.logsAt("critical")).toEqual([]);
  });

  it("refuses a missing configuration: cluster, service and method are required", async () => {
    const { host, plugin } = await start("");
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error")).toContain('grpc-auth: "cluster" is required (a non-empty string)');
    for (const key of ["service", "method"]) {
      const config = JSON.parse(CONFIG);
      delete config[key];
      const { host, plugin } = await start(JSON.stringify(config));
      expect(plugin.configured, key).toBe(false);
      expect(host.logsAt("error")).toContain(`grpc-auth: "${key}" is required (a non-empty string)`);
    }
  });

  it("refuses malformed JSON, saying why", async () => {
    const { host, plugin } = await start('{"cluster": "auth" "service": "x"}');
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error").join("\n")).toMatch(/plugin configuration is not valid JSON/);
  });

  it("refuses bad values", async () => {
    for (const [patch, message] of [
      [{ timeout_ms: 0 }, 'grpc-auth: "timeout_ms" must be an integer from 1 to 600000'],
      [{ timeout_ms: "500" }, 'grpc-auth: "timeout_ms" must be an integer from 1 to 600000'],
      [{ cluster: 5 }, 'grpc-auth: "cluster" is required (a non-empty string)'],
    ] as const) {
      const { host, plugin } = await start(JSON.stringify({ ...JSON.parse(CONFIG), ...patch }));
      expect(plugin.configured, message).toBe(false);
      expect(host.logsAt("error")).toContain(message);
    }
  });

  it("keeps memory flat over many authorisations", async () => {
    const host = new Host({ record: false });
    const { vm, plugin } = await start(CONFIG, host);
    let i = 0;
    const run = () => {
      const { s } = request(plugin, [["authorization", "Bearer abc"]]);
      const token = host.grpcCalls[0].token;
      if (i++ % 2) host.respondGrpcCall(token, "");
      else host.failGrpcCall(token, 7);
      if (!s.localResponse) s.responseHeaders([[":status", "200"]], { endOfStream: true });
      s.complete();
    };
    for (let n = 0; n < 1000; n++) run();
    const before = vm.memoryBytes;
    for (let n = 0; n < 10000; n++) run();
    expect(vm.memoryBytes).toBe(before);
  });
});
