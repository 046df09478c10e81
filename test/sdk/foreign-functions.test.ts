// The SDK's helpers for Envoy's foreign functions (assembly/foreign/*) against the emulator's
// emulations (host/state/foreign-functions.ts): argument encodings, results and statuses. The probe
// (test/filters/attributes-probe.ts) logs "name=value" lines.
import { generateKeyPairSync, sign, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { declaredProperties, Host, routeCacheClears } from "../../host/index.js";

const PROBE = readFileSync(fileURLToPath(new URL("../build/attributes-probe.wasm", import.meta.url)));

function lines(host: Host): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { message } of host.logs) {
    const at = message.indexOf("=");
    if (at > 0 && !message.startsWith("-- ")) out[message.slice(0, at)] = message.slice(at + 1);
  }
  return out;
}

async function run(scenario: string, headers: [string, string][] = [], host = new Host()) {
  const vm = await host.loadVm(PROBE);
  const plugin = vm.startPlugin({ name: "probe" });
  host.clearLogs();
  const stream = plugin.newHttpStream();
  stream.requestHeaders([[":path", "/a"], [":method", "GET"], ["x-probe", scenario], ...headers]);
  return { host, plugin, stream, out: lines(host) };
}

describe("compress / uncompress", () => {
  it("compress writes zlib's format, uncompress reads it back; garbage is SERIALIZATION_FAILURE", async () => {
    const { out } = await run("compress", [["x-data", "hello hello hello hello"]]);
    expect(out["compress.status"]).toBe("OK");
    // zlib format: a 0x78 header, then deflate data Node's zlib reads back.
    expect(out["compress.bytes"].slice(0, 2)).toBe("78");
    expect(inflateSync(Buffer.from(out["compress.bytes"], "hex")).toString()).toBe("hello hello hello hello");
    expect(out["uncompress.status"]).toBe("OK");
    expect(out["uncompress.text"]).toBe("hello hello hello hello");
    expect(out["uncompress.garbage"]).toBe("SERIALIZATION_FAILURE");
  });

  it("a host without the function: the helper returns NOT_FOUND, nothing traps", async () => {
    const host = new Host();
    host.foreignFunctions.delete("compress");
    const { out } = await run("compress", [["x-data", "x"]], host);
    expect(out["compress.status"]).toBe("NOT_FOUND");
    expect(out["compress.bytes"]).toBe("null");
  });
});

describe("verify_signature", () => {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const der = publicKey.export({ format: "der", type: "spki" }).toString("hex");
  const pem = String(publicKey.export({ format: "pem", type: "spki" }))
    .trim()
    .split("\n")
    .join("|");
  const signature = sign("sha256", Buffer.from("signed text"), privateKey).toString("hex");

  it("a valid signature over the text: valid with a DER key and with a PEM key", async () => {
    const { out } = await run("signature", [
      ["x-hash", "sha256"],
      ["x-key", der],
      ["x-pem", pem],
      ["x-sig", signature],
      ["x-text", "signed text"],
    ]);
    expect(out).toMatchObject({
      "verify.status": "OK",
      "verify.valid": "true",
      "verify.error": "",
      "verify_pem.status": "OK",
      "verify_pem.valid": "true",
    });
  });

  it("other text: OK but not valid, with Envoy's error; an unknown hash names itself", async () => {
    const other = await run("signature", [
      ["x-hash", "sha256"],
      ["x-key", der],
      ["x-pem", pem],
      ["x-sig", signature],
      ["x-text", "other"],
    ]);
    expect(other.out).toMatchObject({
      "verify.status": "OK",
      "verify.valid": "false",
      "verify.error": "Failed to verify digest. Error code: 0",
    });
    const md5 = await run("signature", [
      ["x-hash", "md5x"],
      ["x-key", der],
      ["x-pem", pem],
      ["x-sig", signature],
      ["x-text", "signed text"],
    ]);
    expect(md5.out).toMatchObject({
      "verify.status": "OK",
      "verify.valid": "false",
      "verify.error": "md5x is not supported.",
    });
  });

  it("an unreadable key is BAD_ARGUMENT", async () => {
    const { out } = await run("signature", [
      ["x-hash", "sha256"],
      ["x-key", "0102"],
      ["x-pem", "not a key"],
      ["x-sig", signature],
      ["x-text", "t"],
    ]);
    expect(out).toMatchObject({
      "verify.status": "BAD_ARGUMENT",
      "verify.valid": "false",
      "verify_pem.status": "BAD_ARGUMENT",
    });
  });
});

describe("sign", () => {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const der = privateKey.export({ format: "der", type: "pkcs8" }).toString("hex");
  const pem = String(privateKey.export({ format: "pem", type: "pkcs8" }))
    .trim()
    .split("\n")
    .join("|");
  const check = (hexSignature: string) =>
    verify("sha256", Buffer.from("to sign"), publicKey, Buffer.from(hexSignature, "hex"));

  it("a signature the public key verifies, with a DER and a PEM private key", async () => {
    const { out } = await run("sign", [
      ["x-hash", "sha256"],
      ["x-key", der],
      ["x-pem", pem],
      ["x-text", "to sign"],
    ]);
    expect(out).toMatchObject({ "sign.status": "OK", "sign.error": "", "sign_pem.status": "OK" });
    expect(check(out["sign.signature"])).toBe(true);
    expect(check(out["sign_pem.signature"])).toBe(true);
  });

  it("an unknown hash: OK, no signature, Envoy's error; an unreadable key: BAD_ARGUMENT", async () => {
    const md = await run("sign", [
      ["x-hash", "md9"],
      ["x-key", der],
      ["x-pem", pem],
      ["x-text", "to sign"],
    ]);
    expect(md.out).toMatchObject({
      "sign.status": "OK",
      "sign.signature": "null",
      "sign.error": "md9 is not supported.",
    });
    const bad = await run("sign", [
      ["x-hash", "sha256"],
      ["x-key", "00"],
      ["x-pem", "nope"],
      ["x-text", "t"],
    ]);
    expect(bad.out).toMatchObject({
      "sign.status": "BAD_ARGUMENT",
      "sign.signature": "null",
      "sign_pem.status": "BAD_ARGUMENT",
    });
  });
});

describe("set_envoy_filter_state, clear_route_cache, declare_property", () => {
  it("a key Envoy has a factory for is stored and read back as filter_state; others are NOT_FOUND", async () => {
    const ok = await run("filter-state", [
      ["x-key", "envoy.string"],
      ["x-value", "abc"],
    ]);
    expect(ok.out).toMatchObject({ "set_envoy_filter_state.status": "OK", filter_state: "abc" });
    const unknown = await run("filter-state", [
      ["x-key", "my.own.key"],
      ["x-value", "abc"],
    ]);
    expect(unknown.out).toMatchObject({ "set_envoy_filter_state.status": "NOT_FOUND", filter_state: "null" });
  });

  it("on a plugin context (no stream) set_envoy_filter_state is NOT_FOUND; declare_property twice is BAD_ARGUMENT", async () => {
    const host = new Host();
    const vm = await host.loadVm(PROBE);
    const plugin = vm.startPlugin();
    expect(lines(host)).toMatchObject({
      "set_envoy_filter_state.plugin": "NOT_FOUND",
      "declare_property.first": "OK",
      "declare_property.again": "BAD_ARGUMENT",
    });
    // The declaration as the helper encoded it: String (1), read-only, DownstreamRequest (1).
    expect(declaredProperties(plugin).get("probe_state")).toEqual({ readonly: true, type: 1, span: 1 });
  });

  it("a property declared read-only takes its first value; an undeclared one takes every value", async () => {
    const declaredOnce = await run("declared", [["x-name", "probe_state"]]);
    expect(declaredOnce.out).toMatchObject({ "set.first": "OK", "set.second": "BAD_ARGUMENT", value: "one" });
    const free = await run("declared", [["x-name", "other_state"]]);
    expect(free.out).toMatchObject({ "set.first": "OK", "set.second": "OK", value: "two" });
  });

  it("envoy.tcp_proxy.cluster set in onNewConnection picks the TCP proxy's cluster; set later, it does not", async () => {
    const host = new Host();
    const vm = await host.loadVm(PROBE);
    const conn = vm.startPlugin({ configuration: "tcp:canary" }).newTcpStream();
    conn.newConnection();
    expect(lines(host)["set_envoy_filter_state.cluster"]).toBe("OK");
    host.clearLogs();
    conn.downstreamData("x");
    expect(lines(host)["xds.cluster_name"]).toBe("canary");

    // After the TCP proxy picked (the probe sets nothing in onNewConnection here), a new value changes nothing.
    const late = vm.startPlugin({ configuration: "tcp" }).newTcpStream();
    late.newConnection();
    const fn = host.foreignFunctions.get("set_envoy_filter_state")!;
    const args = Uint8Array.from([
      0x0a,
      23,
      ...Buffer.from("envoy.tcp_proxy.cluster"),
      0x12,
      5,
      ...Buffer.from("other"),
    ]);
    expect(fn(args, { vmId: "", contextId: late.id, context: late })).toEqual(new Uint8Array(0));
    host.clearLogs();
    late.downstreamData("x");
    expect(lines(host)["xds.cluster_name"]).toBe("backend");
  });

  it("clear_route_cache answers OK and is counted on the stream", async () => {
    const { out, stream } = await run("route-cache");
    expect(out["clear_route_cache.status"]).toBe("OK");
    expect(routeCacheClears.get(stream)).toBe(1);
  });
});

describe("CEL expressions", () => {
  const evaluate = async (expr: string, extra: [string, string][] = []) =>
    (await run("cel", [["x-expr", expr], ["x-multi", "1"], ["x-multi", "2"], ...extra])).out;

  it("a boolean over attributes", async () => {
    const out = await evaluate(
      "request.path.startsWith('/a') && source.port > 1000 && request.method in ['GET', 'HEAD']",
    );
    expect(out).toMatchObject({
      "expr_create.status": "OK",
      "expr_evaluate.status": "OK",
      "expr_evaluate.bytes": "01",
      "expr_evaluate.bool": "true",
      "expr_delete.status": "OK",
      "expr_evaluate.deleted": "NOT_FOUND",
    });
  });

  it("an integer (8 bytes little-endian) and a string (raw)", async () => {
    expect(await evaluate("size(request.headers['x-multi']) + 40")).toMatchObject({
      "expr_evaluate.int": "43",
      "expr_evaluate.bytes": "2b00000000000000",
    });
    expect(await evaluate("request.method + ' ' + request.path")).toMatchObject({ "expr_evaluate.string": "GET /a" });
  });

  it("a syntax error is BAD_ARGUMENT at create; a missing attribute is INTERNAL_FAILURE at evaluate", async () => {
    expect(await evaluate("request.path ==")).toMatchObject({ "expr_create.status": "BAD_ARGUMENT" });
    expect(await evaluate("request.headers['x-none'] == 'a'")).toMatchObject({
      "expr_create.status": "OK",
      "expr_evaluate.status": "INTERNAL_FAILURE",
      "expr_evaluate.bool": "false",
      "expr_evaluate.int": "-1",
    });
  });
});
