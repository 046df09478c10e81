export * from "proxy-wasm-as/assembly/proxy";
// External authorization over HTTP: every request is held while an auth service (an Envoy
// cluster) is asked about it. The service sees the configured request headers (Authorization by
// default) plus `x-original-method` and `x-original-uri`.
// - auth answers 200: the request goes on upstream;
// - auth answers 5xx, or the call fails, times out, or cannot be sent: 503 (Envoy reports a
//   timeout as its own 504 answer and an unreachable service as a 503, so both are 5xx here);
// - auth answers anything else: 403.
//
// Configuration (JSON): {"cluster": "auth", "path": "/check", "authority": "auth",
//   "timeoutMs": 1000, "forwardHeaders": ["authorization"]}
// `cluster` is required; the others are optional (`authority` defaults to the cluster name).
import {
  Action, asciiLowerCase, HeaderPair, HttpContext, JsonValue, PluginContext, dispatchHttpCall,
  getPluginConfigurationJson, httpCallResponseHeaders, logError, logWarn, registerPlugin, requestHeaders,
  sendLocalResponseText, statusName, continueRequest,
} from "proxy-wasm-as/assembly";

class AuthPlugin extends PluginContext {
  cluster: string = "";
  path: string = "/check";
  authority: string = "";
  timeoutMs: u32 = 1000;
  forwardHeaders: string[] = ["authorization"];

  onPluginStart(configurationSize: usize): bool {
    const parsed = getPluginConfigurationJson();
    if (!parsed.ok) return false; // the SDK logged what is wrong with the JSON
    const config = <JsonValue>parsed.value;
    if (!config.isObject) {
      logError("http-auth: configuration must be a JSON object");
      return false;
    }
    const cluster = stringKey(config, "cluster", "");
    if (cluster === null) return false;
    if (cluster.length == 0) {
      logError("http-auth: \"cluster\" is required: the name of the auth service's cluster");
      return false;
    }
    this.cluster = cluster;
    const path = stringKey(config, "path", "/check");
    const authority = stringKey(config, "authority", cluster);
    if (path === null || authority === null) return false;
    if (!path.startsWith("/")) {
      logError("http-auth: \"path\" must start with '/'");
      return false;
    }
    this.path = path;
    this.authority = authority;
    const timeout = config.get("timeoutMs");
    if (timeout !== null) {
      const n = timeout.asNumber();
      if (!(n >= 1 && n <= 60000) || n != Math.floor(n)) {
        logError("http-auth: \"timeoutMs\" must be a whole number from 1 to 60000");
        return false;
      }
      this.timeoutMs = <u32>n;
    }
    if (config.has("forwardHeaders")) {
      const names = config.getStringArray("forwardHeaders");
      if (names === null) {
        logError("http-auth: \"forwardHeaders\" must be an array of strings");
        return false;
      }
      for (let i = 0; i < names.length; i++) unchecked((names[i] = asciiLowerCase(unchecked(names[i]))));
      this.forwardHeaders = names;
    }
    return true;
  }

  newHttpContext(contextId: u32): HttpContext {
    return new AuthStream(contextId, this);
  }
}

class AuthStream extends HttpContext {
  constructor(id: u32, private plugin: AuthPlugin) { super(id); }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const plugin = this.plugin;
    const headers: HeaderPair[] = [
      new HeaderPair(":method", "GET"),
      new HeaderPair(":path", plugin.path),
      new HeaderPair(":authority", plugin.authority),
      new HeaderPair("x-original-method", orEmpty(requestHeaders.get(":method"))),
      new HeaderPair("x-original-uri", orEmpty(requestHeaders.get(":path"))),
    ];
    const names = plugin.forwardHeaders;
    for (let i = 0; i < names.length; i++) {
      const name = unchecked(names[i]);
      const value = requestHeaders.get(name);
      if (value !== null) headers.push(new HeaderPair(name, value));
    }
    const call = dispatchHttpCall(plugin.cluster, headers, null, [], plugin.timeoutMs);
    if (!call.ok) {
      // E.g. BAD_ARGUMENT when the cluster does not exist.
      logWarn("http-auth: cannot call cluster " + plugin.cluster + ": " + statusName(call.status));
      sendLocalResponseText(503, "http_auth_unavailable", "authorization service unavailable\n");
      return Action.Pause;
    }
    // Hold the request (and its body) until the answer arrives.
    return Action.Pause;
  }

  onHttpCallResponse(token: u32, numHeaders: u32, bodySize: usize, numTrailers: u32): void {
    if (numHeaders == 0) {
      logWarn("http-auth: call to " + this.plugin.cluster + " failed or timed out");
      sendLocalResponseText(503, "http_auth_unavailable", "authorization service unavailable\n");
      return;
    }
    const status = httpCallResponseHeaders.get(":status");
    if (status == "200") {
      continueRequest();
      return;
    }
    if (status !== null && status.length == 3 && status.charCodeAt(0) == 0x35 /* 5 */) {
      logWarn("http-auth: " + this.plugin.cluster + " answered " + status);
      sendLocalResponseText(503, "http_auth_unavailable", "authorization service unavailable\n");
      return;
    }
    sendLocalResponseText(403, "http_auth_denied", "forbidden\n");
  }
}

function orEmpty(text: string | null): string {
  return text === null ? "" : text;
}

/** `key` as a string, `fallback` when absent; null (after logging) when of another type. */
function stringKey(config: JsonValue, key: string, fallback: string): string | null {
  const value = config.get(key);
  if (value === null) return fallback;
  const text = value.asString();
  if (text === null) logError("http-auth: \"" + key + "\" must be a string");
  return text;
}

registerPlugin((contextId: u32): PluginContext => new AuthPlugin(contextId));
