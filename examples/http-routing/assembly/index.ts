export * from "proxy-wasm-as/assembly/proxy";
// Canary routing: sends a configured share of requests to a canary by rewriting `:authority`.
// Envoy clears its route cache after a filter changes request headers, so the request is routed
// again, to the virtual host that matches the new authority (see envoy.yaml).
// When the request carries the hash header (e.g. a user id), the choice is a hash of its value:
// the same user always lands on the same side. Without it, the choice is random.
import {
  Action, asciiLowerCase, HttpContext, JsonValue, PluginContext,
  getPluginConfigurationJson, logError, registerPlugin, requestHeaders,
} from "proxy-wasm-as/assembly";

/** FNV-1a, 32 bits: small, fast, well spread for short keys. */
function fnv1a(data: ArrayBuffer): u32 {
  let hash: u32 = 0x811c9dc5;
  const start = changetype<usize>(data);
  const end = start + <usize>data.byteLength;
  for (let at = start; at < end; at++) {
    hash ^= <u32>load<u8>(at);
    hash *= 0x01000193;
  }
  return hash;
}

class RoutingPlugin extends PluginContext {
  canaryAuthority: string = "";
  /** Share sent to the canary, in hundredths of a percent (0..10000). */
  share: u32 = 0;
  hashHeader: string = "";

  onPluginStart(configurationSize: usize): bool {
    const parsed = getPluginConfigurationJson();
    if (!parsed.ok) return false; // the SDK logged what is wrong with the JSON
    const config = <JsonValue>parsed.value;
    if (!config.isObject) {
      logError("http-routing: configuration must be a JSON object");
      return false;
    }
    const authority = config.get("canary_authority");
    if (authority === null) {
      logError("http-routing: \"canary_authority\" is required (the host name the canary's virtual host matches)");
      return false;
    }
    const authorityText = authority.asString();
    if (authorityText === null || authorityText.length == 0) {
      logError("http-routing: \"canary_authority\" must be a non-empty string");
      return false;
    }
    const percentage = config.get("percentage");
    let share: f64 = 10;
    if (percentage !== null) {
      share = percentage.asNumber();
      if (!(share >= 0 && share <= 100)) {
        logError("http-routing: \"percentage\" must be a number from 0 to 100");
        return false;
      }
    }
    let header = "x-user-id";
    const headerValue = config.get("hash_header");
    if (headerValue !== null) {
      const text = headerValue.asString();
      if (text === null) {
        logError("http-routing: \"hash_header\" must be a string (\"\" to always choose at random)");
        return false;
      }
      header = asciiLowerCase(text);
    }
    this.canaryAuthority = authorityText;
    this.share = <u32>Math.round(share * 100);
    this.hashHeader = header;
    return true;
  }

  /** Whether this request goes to the canary. */
  toCanary(): bool {
    if (this.share == 0) return false;
    if (this.share >= 10000) return true;
    if (this.hashHeader.length > 0) {
      const key = requestHeaders.getBytes(this.hashHeader);
      if (key !== null) return fnv1a(key) % 10000 < this.share;
    }
    return <u32>(Math.random() * 10000) < this.share;
  }

  newHttpContext(contextId: u32): HttpContext {
    return new RoutingStream(contextId, this);
  }
}

class RoutingStream extends HttpContext {
  constructor(id: u32, public plugin: RoutingPlugin) { super(id); }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    if (this.plugin.toCanary()) requestHeaders.replace(":authority", this.plugin.canaryAuthority);
    return Action.Continue;
  }
}

registerPlugin((contextId: u32): PluginContext => new RoutingPlugin(contextId));
