export * from "proxy-wasm-as/assembly/proxy";
// Per-client rate limit over a fixed time window. The client is the first address of the
// configured header (`x-forwarded-for` by default); clients without it share one budget.
// Counts live in the proxy's shared data, updated with compare-and-swap, so every worker VM
// counts against the same limit. Over the limit: 429 with `x-rate-limit-limit`,
// `x-rate-limit-remaining` (0), `x-rate-limit-reset` (seconds until the window ends) and
// `retry-after`; allowed responses carry the same three headers.
//
// Configuration (JSON, every key optional): {"header": "x-forwarded-for", "limit": 10, "windowSeconds": 60}
import {
  Action, asciiLowerCase, HeaderPair, HttpContext, JsonValue, PluginContext, Status, getCurrentTimeNanoseconds,
  getPluginConfigurationJson, getSharedData, logError, logWarn, registerPlugin, requestHeaders,
  responseHeaders, sendLocalResponseText, setSharedData, statusName,
} from "proxy-wasm-as/assembly";

/** Attempts at the read-modify-write before giving up (and letting the request through). */
const MAX_CAS_ATTEMPTS = 8;
/** The shared-data value: u32 window start (Unix seconds), u32 count; little-endian. */
const VALUE_BYTES = 8;

class RateLimitPlugin extends PluginContext {
  header: string = "x-forwarded-for";
  limit: u32 = 10;
  windowSeconds: u32 = 60;
  limitText: string = "10";
  limitName: ArrayBuffer = String.UTF8.encode("x-rate-limit-limit");
  limitValue: ArrayBuffer = new ArrayBuffer(0);
  /** Reused for every write: setSharedData copies it. */
  value: ArrayBuffer = new ArrayBuffer(VALUE_BYTES);

  onPluginStart(configurationSize: usize): bool {
    const parsed = getPluginConfigurationJson();
    if (!parsed.ok) return false; // the SDK logged what is wrong with the JSON
    const config = <JsonValue>parsed.value;
    if (!config.isObject) {
      logError("rate-limit: configuration must be a JSON object");
      return false;
    }
    const header = config.get("header");
    if (header !== null) {
      const name = header.asString();
      if (name === null || name.length == 0 || name.charCodeAt(0) == 0x3a) {
        logError("rate-limit: \"header\" must be a non-empty header name, not a pseudo-header");
        return false;
      }
      this.header = asciiLowerCase(name);
    }
    const limit = wholeNumber(config, "limit", 10, 1_000_000_000);
    const window = wholeNumber(config, "windowSeconds", 60, 86400 * 366);
    if (limit < 0 || window < 0) return false;
    this.limit = <u32>limit;
    this.windowSeconds = <u32>window;
    this.limitText = this.limit.toString();
    this.limitValue = String.UTF8.encode(this.limitText);
    return true;
  }

  newHttpContext(contextId: u32): HttpContext {
    return new RateLimitStream(contextId, this);
  }
}

class RateLimitStream extends HttpContext {
  /** Set when the request was counted: what the response headers say. */
  remaining: i32 = -1;
  reset: u32 = 0;

  constructor(id: u32, private plugin: RateLimitPlugin) { super(id); }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const plugin = this.plugin;
    const key = "rate-limit:" + clientKey(requestHeaders.get(plugin.header));
    const now = <u32>(getCurrentTimeNanoseconds() / 1_000_000_000);
    const windowStart = now - now % plugin.windowSeconds;
    this.reset = windowStart + plugin.windowSeconds - now;

    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current = getSharedData(key);
      let count: u32 = 0;
      if (current.status == Status.Ok) {
        const stored = <ArrayBuffer>current.value;
        // A value from an earlier window (or of another shape) starts the count again.
        if (stored.byteLength == VALUE_BYTES && load<u32>(changetype<usize>(stored)) == windowStart) {
          count = load<u32>(changetype<usize>(stored), 4);
        }
      }
      if (count >= plugin.limit) return this.deny();
      const value = changetype<usize>(plugin.value);
      store<u32>(value, windowStart);
      store<u32>(value, count + 1, 4);
      // cas 0 (key not there yet) writes unconditionally: see the README on first writes.
      const status = setSharedData(key, plugin.value, current.status == Status.Ok ? current.cas : 0);
      if (status == Status.Ok) {
        this.remaining = <i32>(plugin.limit - count - 1);
        return Action.Continue;
      }
      if (status != Status.CasMismatch) {
        logWarn("rate-limit: cannot update shared data: " + statusName(status) + "; letting the request through");
        return Action.Continue;
      }
      // Another worker wrote in between: read again.
    }
    logWarn("rate-limit: shared data kept changing (" + MAX_CAS_ATTEMPTS.toString() + " attempts); letting the request through");
    return Action.Continue;
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): Action {
    if (this.remaining < 0) return Action.Continue;
    responseHeaders.replaceBytes(this.plugin.limitName, this.plugin.limitValue);
    responseHeaders.replace("x-rate-limit-remaining", this.remaining.toString());
    responseHeaders.replace("x-rate-limit-reset", this.reset.toString());
    return Action.Continue;
  }

  private deny(): Action {
    const reset = this.reset.toString();
    sendLocalResponseText(429, "rate_limited", "rate limit exceeded\n", [
      new HeaderPair("x-rate-limit-limit", this.plugin.limitText),
      new HeaderPair("x-rate-limit-remaining", "0"),
      new HeaderPair("x-rate-limit-reset", reset),
      new HeaderPair("retry-after", reset),
    ]);
    return Action.Pause;
  }
}

/** The first address of an `x-forwarded-for`-style list, trimmed; "-" when absent or empty. */
function clientKey(value: string | null): string {
  if (value === null) return "-";
  const comma = value.indexOf(",");
  const first = (comma < 0 ? value : value.substring(0, comma)).trim();
  return first.length == 0 ? "-" : first;
}

/** `key` as a whole number from 1 to `max`, `fallback` when absent; -1 (after logging) when invalid. */
function wholeNumber(config: JsonValue, key: string, fallback: i64, max: i64): i64 {
  const value = config.get(key);
  if (value === null) return fallback;
  const n = value.asNumber();
  if (!(n >= 1 && n <= <f64>max) || n != Math.floor(n)) {
    logError("rate-limit: \"" + key + "\" must be a whole number from 1 to " + max.toString());
    return -1;
  }
  return <i64>n;
}

registerPlugin((contextId: u32): PluginContext => new RateLimitPlugin(contextId));
