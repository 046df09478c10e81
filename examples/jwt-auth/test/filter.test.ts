import { createHmac } from "node:crypto";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Host, type Plugin } from "proxy-wasm-as/host";

const WASM = fileURLToPath(new URL("../build/filter.wasm", import.meta.url));
const SECRET = "s3cret-key";
const CONFIG = JSON.stringify({ secret: SECRET });
const NOW = 1_704_067_200; // the emulator's clock, in seconds: 2024-01-01T00:00:00Z

const b64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

/** A token signed with Node's crypto, as any JWT library would make it. */
function sign(claims: object, secret: string | Buffer = SECRET, header: object = { alg: "HS256", typ: "JWT" }): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

async function start(configuration?: string) {
  const host = new Host();
  const vm = await host.loadVm(WASM);
  const plugin = vm.startPlugin(configuration === undefined ? {} : { configuration });
  return { host, plugin };
}

function request(plugin: Plugin, headers: Record<string, string>) {
  const stream = plugin.newHttpStream();
  const action = stream.requestHeaders({
    ":method": "GET",
    ":path": "/me",
    ":authority": "api.example.com",
    ...headers,
  });
  return { stream, action };
}

function bearer(plugin: Plugin, token: string, extra: Record<string, string> = {}) {
  return request(plugin, { authorization: `Bearer ${token}`, ...extra });
}

describe("jwt-auth: valid tokens", () => {
  it("lets a valid token through and forwards sub as x-user-id", async () => {
    const { plugin } = await start(CONFIG);
    const { stream, action } = bearer(plugin, sign({ sub: "alice", exp: NOW + 60 }));
    expect(action).toBe(0);
    expect(stream.localResponse).toBeNull();
    expect(stream.requestHeader("x-user-id")).toBe("alice");
  });

  it("replaces an x-user-id sent by the client", async () => {
    const { plugin } = await start(CONFIG);
    const { stream } = bearer(plugin, sign({ sub: "alice", exp: NOW + 60 }), { "x-user-id": "root" });
    expect(stream.requestHeadersMap.filter(([n]) => n === "x-user-id")).toEqual([["x-user-id", "alice"]]);
  });

  it("removes a client-sent x-user-id when the token has no sub", async () => {
    const { plugin } = await start(CONFIG);
    const { stream } = bearer(plugin, sign({ exp: NOW + 60 }), { "x-user-id": "root" });
    expect(stream.localResponse).toBeNull();
    expect(stream.requestHeader("x-user-id")).toBeUndefined();
  });

  it("verifies long tokens, long secrets (hashed first) and non-ASCII claims", async () => {
    const secret = "k".repeat(100) + "é";
    const { plugin } = await start(JSON.stringify({ secret, userHeader: "X-Sub" }));
    for (const size of [0, 1, 50, 55, 56, 63, 64, 119, 120, 1000]) {
      const sub = "ü" + "x".repeat(size);
      const { stream } = bearer(plugin, sign({ sub, exp: NOW + 1, pad: "y".repeat(size) }, Buffer.from(secret)));
      expect(stream.localResponse, `size ${size}`).toBeNull();
      expect(stream.requestHeader("x-sub")).toBe(sub);
    }
  });

  it("accepts the scheme in any case and nbf in the past; exp optional when requireExp is false", async () => {
    const { plugin } = await start(JSON.stringify({ secret: SECRET, requireExp: false }));
    const { stream } = request(plugin, { authorization: `bEaReR   ${sign({ sub: "bob", nbf: NOW - 1 })}` });
    expect(stream.localResponse).toBeNull();
    expect(stream.requestHeader("x-user-id")).toBe("bob");
  });

  it("honours leewaySeconds on exp and nbf", async () => {
    const { plugin } = await start(JSON.stringify({ secret: SECRET, leewaySeconds: 30 }));
    expect(bearer(plugin, sign({ exp: NOW - 29 })).stream.localResponse).toBeNull();
    expect(bearer(plugin, sign({ exp: NOW - 31 })).stream.localResponse?.status).toBe(401);
    expect(bearer(plugin, sign({ exp: NOW + 60, nbf: NOW + 29 })).stream.localResponse).toBeNull();
    expect(bearer(plugin, sign({ exp: NOW + 60, nbf: NOW + 31 })).stream.localResponse?.status).toBe(401);
  });

  it("uses the proxy's clock: a token expires as time passes", async () => {
    const { host, plugin } = await start(CONFIG);
    const token = sign({ sub: "alice", exp: NOW + 10 });
    expect(bearer(plugin, token).stream.localResponse).toBeNull();
    host.advanceTime(10_000);
    expect(bearer(plugin, token).stream.localResponse?.bodyText).toBe("invalid token: token expired\n");
  });
});

describe("jwt-auth: rejected requests", () => {
  async function reason(token: string, configuration = CONFIG) {
    const { plugin } = await start(configuration);
    const { stream, action } = bearer(plugin, token);
    expect(action).toBe(1);
    expect(stream.localResponse?.status).toBe(401);
    expect(stream.localResponse?.details).toBe("jwt_invalid");
    const www = stream.localResponse?.headers.find(([n]) => n === "www-authenticate")?.[1];
    const body = stream.localResponse?.bodyText ?? "";
    expect(www).toBe(
      `Bearer error="invalid_token", error_description="${body.replace(/^invalid token: /, "").trim()}"`,
    );
    return body;
  }

  it("401 without a token, with www-authenticate: Bearer", async () => {
    const { plugin } = await start(CONFIG);
    for (const headers of [
      {} as Record<string, string>,
      { authorization: "Basic dXNlcjpwYXNz" },
      { authorization: "Bearer " },
      { authorization: "Bearerxyz" },
    ]) {
      const { stream, action } = request(plugin, headers);
      expect(action).toBe(1);
      expect(stream.localResponse?.status).toBe(401);
      expect(stream.localResponse?.bodyText).toBe("missing bearer token\n");
      expect(stream.localResponse?.headers).toContainEqual(["www-authenticate", "Bearer"]);
    }
  });

  it("401 for a wrong signature: other secret, tampered payload, truncated signature", async () => {
    expect(await reason(sign({ sub: "a", exp: NOW + 60 }, "other"))).toBe("invalid token: bad signature\n");
    const [h, , s] = sign({ sub: "alice", exp: NOW + 60 }).split(".");
    expect(await reason(`${h}.${b64url(JSON.stringify({ sub: "admin", exp: NOW + 60 }))}.${s}`)).toBe(
      "invalid token: bad signature\n",
    );
    expect(await reason(`${h}.${b64url(JSON.stringify({ sub: "alice", exp: NOW + 60 }))}.${s.slice(0, 40)}`)).toBe(
      "invalid token: bad signature\n",
    );
  });

  it("401 for alg none or another algorithm, even when 'signed'", async () => {
    const claims = { sub: "a", exp: NOW + 60 };
    expect(await reason(sign(claims, SECRET, { alg: "none" }))).toBe(
      "invalid token: unsupported alg, expected HS256\n",
    );
    expect(await reason(sign(claims, SECRET, { alg: "HS512" }))).toBe(
      "invalid token: unsupported alg, expected HS256\n",
    );
    expect(await reason(`${b64url('{"alg":"none"}')}.${b64url(JSON.stringify(claims))}.`)).toBe(
      "invalid token: unsupported alg, expected HS256\n",
    );
  });

  it("401 for expired, not-yet-valid, or exp-less tokens", async () => {
    expect(await reason(sign({ exp: NOW }))).toBe("invalid token: token expired\n");
    expect(await reason(sign({ exp: NOW + 60, nbf: NOW + 1 }))).toBe("invalid token: token not yet valid\n");
    expect(await reason(sign({ sub: "a" }))).toBe("invalid token: no exp claim\n");
    expect(await reason(sign({ exp: String(NOW + 60) }))).toBe("invalid token: exp is not a number\n");
    expect(await reason(sign({ exp: NOW + 60, nbf: "0" }))).toBe("invalid token: nbf is not a number\n");
  });

  it("401 for malformed tokens", async () => {
    const good = sign({ exp: NOW + 60 });
    for (const token of ["abc", "a.b", `${good}.x`, good.replace(".", ".!"), `${good}=`, `x${good}`]) {
      expect(await reason(token), token).toMatch(
        /^invalid token: (malformed token|malformed token header|bad signature)\n$/,
      );
    }
    // Valid base64url and signature, but the payload is not a JSON object.
    const input = `${b64url('{"alg":"HS256"}')}.${b64url("[1]")}`;
    expect(await reason(`${input}.${createHmac("sha256", SECRET).update(input).digest("base64url")}`)).toBe(
      "invalid token: malformed token payload\n",
    );
  });
});

describe("jwt-auth: configuration", () => {
  it("fails to start without configuration: secret is required", async () => {
    const { host, plugin } = await start();
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error")).toContain('jwt-auth: "secret" is required: a non-empty string, the HS256 key');
  });

  it("fails to start on malformed JSON, saying where", async () => {
    const { host, plugin } = await start("{'secret': 'x'}");
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error").join("\n")).toMatch(/plugin configuration is not valid JSON: .* at byte 1/);
  });

  it("fails to start on keys of the wrong type, naming them", async () => {
    for (const [config, message] of [
      [{ secret: "" }, '"secret" is required'],
      [{ secret: 123 }, '"secret" is required'],
      [{ secret: "x", userHeader: 1 }, '"userHeader" must be a non-empty header name'],
      [{ secret: "x", userHeader: ":path" }, '"userHeader" must be a non-empty header name'],
      [{ secret: "x", leewaySeconds: -1 }, '"leewaySeconds" must be a number from 0 to 3600'],
      [{ secret: "x", requireExp: "yes" }, '"requireExp" must be true or false'],
    ] as const) {
      const { host, plugin } = await start(JSON.stringify(config));
      expect(plugin.configured, JSON.stringify(config)).toBe(false);
      expect(host.logsAt("error").join("\n")).toContain(message);
    }
  });
});
