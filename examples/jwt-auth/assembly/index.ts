export * from "proxy-wasm-as/assembly/proxy";
// HS256 JWT verification: the request must carry `Authorization: Bearer <token>` whose token is
// signed with the configured secret (HMAC-SHA256), has alg HS256, has not expired (`exp`) and is
// already valid (`nbf`). Otherwise the answer is 401 with the reason. A valid token's `sub`
// claim goes upstream as the `x-user-id` request header (a client-sent one is always removed).
//
// Configuration (JSON): {"secret": "...", "userHeader": "x-user-id", "leewaySeconds": 0, "requireExp": true}
// `secret` is required (its UTF-8 bytes are the HMAC key); the others are optional.
import {
  Action, asciiLowerCase, HeaderPair, HttpContext, JsonValue, PluginContext, getCurrentTimeNanoseconds,
  getPluginConfigurationJson, logError, parseJson, registerPlugin, requestHeaders, sendLocalResponseText,
} from "proxy-wasm-as/assembly";
import { decodeBase64Url } from "./base64url";
import { constantTimeEqual, HmacSha256 } from "./hmac";

class JwtPlugin extends PluginContext {
  hmac: HmacSha256 | null = null;
  userHeader: string = "x-user-id";
  leewaySeconds: f64 = 0;
  requireExp: bool = true;

  onPluginStart(configurationSize: usize): bool {
    const parsed = getPluginConfigurationJson();
    if (!parsed.ok) return false; // the SDK logged what is wrong with the JSON
    const config = <JsonValue>parsed.value;
    if (!config.isObject) {
      logError("jwt-auth: configuration must be a JSON object");
      return false;
    }
    const secret = config.get("secret");
    if (secret === null || !secret.isString || (<string>secret.asString()).length == 0) {
      logError("jwt-auth: \"secret\" is required: a non-empty string, the HS256 key");
      return false;
    }
    const userHeader = config.get("userHeader");
    if (userHeader !== null) {
      const name = userHeader.asString();
      if (name === null || name.length == 0 || name.charCodeAt(0) == 0x3a) {
        logError("jwt-auth: \"userHeader\" must be a non-empty header name, not a pseudo-header");
        return false;
      }
      this.userHeader = asciiLowerCase(name);
    }
    const leeway = config.get("leewaySeconds");
    if (leeway !== null) {
      const n = leeway.asNumber();
      if (!(n >= 0 && n <= 3600)) {
        logError("jwt-auth: \"leewaySeconds\" must be a number from 0 to 3600");
        return false;
      }
      this.leewaySeconds = n;
    }
    const requireExp = config.get("requireExp");
    if (requireExp !== null) {
      if (!requireExp.isBool) {
        logError("jwt-auth: \"requireExp\" must be true or false");
        return false;
      }
      this.requireExp = requireExp.asBool();
    }
    this.hmac = new HmacSha256(String.UTF8.encode(<string>secret.asString()));
    return true;
  }

  newHttpContext(contextId: u32): HttpContext {
    return new JwtStream(contextId, this);
  }
}

/** Set by `verify` when the token is valid: its `sub` claim, or null when it has none. */
let verifiedSubject: string | null = null;

class JwtStream extends HttpContext {
  constructor(id: u32, private plugin: JwtPlugin) { super(id); }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const plugin = this.plugin;
    const authorization = requestHeaders.getBytes("authorization");
    const token = authorization === null ? -1 : bearerTokenStart(authorization);
    if (token < 0) {
      sendLocalResponseText(401, "jwt_missing", "missing bearer token\n", [new HeaderPair("www-authenticate", "Bearer")]);
      return Action.Pause;
    }
    const data = <ArrayBuffer>authorization;
    const error = verify(plugin, changetype<usize>(data) + <usize>token, <usize>(data.byteLength - token));
    if (error.length > 0) {
      sendLocalResponseText(401, "jwt_invalid", "invalid token: " + error + "\n", [
        new HeaderPair("www-authenticate", "Bearer error=\"invalid_token\", error_description=\"" + error + "\""),
      ]);
      return Action.Pause;
    }
    // Only this filter may say who the user is: a client-sent value never goes upstream. One
    // replace, not remove then add: ngx_wasm_module (Kong) keeps the client's value after a
    // remove and then sends both (docs/hosts.md); in Envoy the two are the same.
    const subject = verifiedSubject;
    if (subject !== null) requestHeaders.replace(plugin.userHeader, subject);
    else requestHeaders.remove(plugin.userHeader);
    return Action.Continue;
  }
}

/** Where the token starts in an `Authorization: Bearer <token>` value, or -1. */
function bearerTokenStart(value: ArrayBuffer): i32 {
  const p = changetype<usize>(value);
  const n = value.byteLength;
  if (n < 8) return -1;
  // "bearer" in any case, then at least one space.
  const scheme = "bearer";
  for (let i = 0; i < 6; i++) {
    if ((load<u8>(p + <usize>i) | 0x20) != <u8>scheme.charCodeAt(i)) return -1;
  }
  let at = 6;
  if (load<u8>(p + <usize>at) != 0x20) return -1;
  while (at < n && load<u8>(p + <usize>at) == 0x20) at++;
  return at < n ? at : -1;
}

/** Checks the token of `length` bytes at `ptr`: "" when valid (see verifiedSubject), else why not. */
function verify(plugin: JwtPlugin, ptr: usize, length: usize): string {
  verifiedSubject = null;
  // header.payload.signature
  let firstDot: usize = 0;
  while (firstDot < length && load<u8>(ptr + firstDot) != 0x2e) firstDot++;
  let secondDot = firstDot + 1;
  while (secondDot < length && load<u8>(ptr + secondDot) != 0x2e) secondDot++;
  if (firstDot >= length || secondDot >= length) return "malformed token";
  for (let i = secondDot + 1; i < length; i++) if (load<u8>(ptr + i) == 0x2e) return "malformed token";

  const headerJson = decodeBase64Url(ptr, firstDot);
  const payloadJson = decodeBase64Url(ptr + firstDot + 1, secondDot - firstDot - 1);
  const signature = decodeBase64Url(ptr + secondDot + 1, length - secondDot - 1);
  if (headerJson === null || payloadJson === null || signature === null) return "malformed token";

  const header = parseJson(headerJson).value;
  if (header === null || !header.isObject) return "malformed token header";
  const alg = header.getString("alg");
  if (alg === null || alg != "HS256") return "unsupported alg, expected HS256";

  // The signature covers the encoded header and payload exactly as sent.
  const expected = (<HmacSha256>plugin.hmac).sign(ptr, secondDot);
  if (!constantTimeEqual(expected, signature)) return "bad signature";

  const claims = parseJson(payloadJson).value;
  if (claims === null || !claims.isObject) return "malformed token payload";
  const now = <f64>(getCurrentTimeNanoseconds() / 1_000_000_000);
  const exp = claims.get("exp");
  if (exp === null) {
    if (plugin.requireExp) return "no exp claim";
  } else {
    if (!exp.isNumber) return "exp is not a number";
    if (now >= exp.asNumber() + plugin.leewaySeconds) return "token expired";
  }
  const nbf = claims.get("nbf");
  if (nbf !== null) {
    if (!nbf.isNumber) return "nbf is not a number";
    if (now + plugin.leewaySeconds < nbf.asNumber()) return "token not yet valid";
  }
  verifiedSubject = claims.getString("sub");
  return "";
}

registerPlugin((contextId: u32): PluginContext => new JwtPlugin(contextId));
