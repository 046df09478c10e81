export * from "proxy-wasm-as/assembly/proxy";
// Fans out: when the response headers arrive, fires several HTTP calls at once, holds the
// response, and lets it go when the last call has answered, with `x-dispatch-count` telling how
// many answered. A failed or timed-out call counts as answered (the response is never held
// forever); if the stream goes away first, the SDK drops the late answers.
import {
  Action, HeaderPair, HttpContext, JsonValue, PluginContext, Status,
  continueResponse, dispatchHttpCall, getPluginConfigurationJson, logError, logWarn, registerPlugin,
  responseHeaders, statusName,
} from "proxy-wasm-as/assembly";

/** An integer member in [min, max], `fallback` when absent, -1 (after logging) when invalid. */
function intMember(config: JsonValue, key: string, fallback: i64, min: i64, max: i64): i64 {
  const value = config.get(key);
  if (value === null) return fallback;
  const number = value.asNumber();
  if (!(number >= <f64>min && number <= <f64>max) || number != Math.floor(number)) {
    logError("multiple-dispatches: \"" + key + "\" must be an integer from " + min.toString() + " to " + max.toString());
    return -1;
  }
  return <i64>number;
}

/** A non-empty string member, `fallback` when absent, null (after logging) when invalid. */
function stringMember(config: JsonValue, key: string, fallback: string | null): string | null {
  const value = config.get(key);
  if (value === null) {
    if (fallback === null) logError("multiple-dispatches: \"" + key + "\" is required");
    return fallback;
  }
  const text = value.asString();
  if (text === null || text.length == 0) {
    logError("multiple-dispatches: \"" + key + "\" must be a non-empty string");
    return null;
  }
  return text;
}

class FanOutPlugin extends PluginContext {
  cluster: string = "";
  count: i32 = 0;
  timeout: u32 = 0;
  headers: HeaderPair[] = [];

  onPluginStart(configurationSize: usize): bool {
    const parsed = getPluginConfigurationJson();
    if (!parsed.ok) return false; // the SDK logged what is wrong with the JSON
    const config = <JsonValue>parsed.value;
    if (!config.isObject) {
      logError("multiple-dispatches: configuration must be a JSON object");
      return false;
    }
    const cluster = stringMember(config, "cluster", null);
    if (cluster === null) return false;
    const path = stringMember(config, "path", "/");
    if (path === null) return false;
    const authority = stringMember(config, "authority", cluster);
    if (authority === null) return false;
    const count = intMember(config, "count", 3, 1, 100);
    if (count < 0) return false;
    const timeout = intMember(config, "timeout_ms", 1000, 1, 600000);
    if (timeout < 0) return false;
    this.cluster = cluster;
    this.count = <i32>count;
    this.timeout = <u32>timeout;
    this.headers = [
      new HeaderPair(":method", "GET"),
      new HeaderPair(":path", path),
      new HeaderPair(":authority", authority),
    ];
    return true;
  }

  newHttpContext(contextId: u32): HttpContext {
    return new FanOutStream(contextId, this);
  }
}

class FanOutStream extends HttpContext {
  pending: i32 = 0;
  answered: i32 = 0;

  constructor(id: u32, public plugin: FanOutPlugin) { super(id); }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): Action {
    const plugin = this.plugin;
    let lastError = Status.Ok;
    for (let i = 0; i < plugin.count; i++) {
      const call = dispatchHttpCall(plugin.cluster, plugin.headers, null, [], plugin.timeout);
      if (call.ok) this.pending++;
      else lastError = call.status;
    }
    if (lastError != Status.Ok) {
      logWarn("multiple-dispatches: " + (plugin.count - this.pending).toString() + " of " + plugin.count.toString() +
        " calls to " + plugin.cluster + " not sent: " + statusName(lastError));
    }
    if (this.pending == 0) {
      responseHeaders.replace("x-dispatch-count", "0");
      return Action.Continue;
    }
    return Action.Pause;
  }

  onHttpCallResponse(token: u32, numHeaders: u32, bodySize: usize, numTrailers: u32): void {
    // numHeaders == 0: failed or timed out. Still an answer: the response must not wait forever.
    this.answered++;
    this.pending--;
    if (this.pending > 0) return;
    responseHeaders.replace("x-dispatch-count", this.answered.toString());
    continueResponse();
  }
}

registerPlugin((contextId: u32): PluginContext => new FanOutPlugin(contextId));
