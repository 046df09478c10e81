export * from "proxy-wasm-as/assembly/proxy";
// Calls an upstream from the plugin context on every tick (a health probe, a cache refresh...)
// and logs the answer: status code and body size, or the failure / timeout.
import {
  HeaderPair, JsonValue, PluginContext, registerPlugin,
  dispatchHttpCall, getPluginConfigurationJson, httpCallResponseHeaders, logError, logInfo, logWarn,
  setTickPeriodMilliseconds, statusName,
} from "proxy-wasm-as/assembly";

/** A positive integer member, `fallback` when absent, -1 (after logging) when invalid. */
function positiveInt(config: JsonValue, key: string, fallback: i64): i64 {
  const value = config.get(key);
  if (value === null) return fallback;
  const number = value.asNumber();
  if (!(number >= 1 && number <= 2147483647) || number != Math.floor(number)) {
    logError("dispatch-on-tick: \"" + key + "\" must be a positive integer");
    return -1;
  }
  return <i64>number;
}

/** A non-empty string member, `fallback` when absent, null (after logging) when invalid. */
function text(config: JsonValue, key: string, fallback: string | null): string | null {
  const value = config.get(key);
  if (value === null) {
    if (fallback === null) logError("dispatch-on-tick: \"" + key + "\" is required");
    return fallback;
  }
  const result = value.asString();
  if (result === null || result.length == 0) {
    logError("dispatch-on-tick: \"" + key + "\" must be a non-empty string");
    return null;
  }
  return result;
}

class TickCaller extends PluginContext {
  cluster: string = "";
  target: string = "";            // for log lines: "cluster/path"
  headers: HeaderPair[] = [];     // built once, sent on every call
  timeout: u32 = 0;
  inFlight: bool = false;

  onPluginStart(configurationSize: usize): bool {
    const parsed = getPluginConfigurationJson();
    if (!parsed.ok) return false; // the SDK logged what is wrong with the JSON
    const config = <JsonValue>parsed.value;
    if (!config.isObject) {
      logError("dispatch-on-tick: configuration must be a JSON object");
      return false;
    }
    const cluster = text(config, "cluster", null);
    if (cluster === null) return false;
    const path = text(config, "path", "/");
    if (path === null) return false;
    const authority = text(config, "authority", cluster);
    if (authority === null) return false;
    const period = positiveInt(config, "period_ms", 5000);
    if (period < 0) return false;
    const timeout = positiveInt(config, "timeout_ms", 1000);
    if (timeout < 0) return false;

    this.cluster = cluster;
    this.target = cluster + path;
    this.timeout = <u32>timeout;
    this.headers = [
      new HeaderPair(":method", "GET"),
      new HeaderPair(":path", path),
      new HeaderPair(":authority", authority),
    ];
    setTickPeriodMilliseconds(<u32>period);
    logInfo("dispatch-on-tick: calling " + this.target + " every " + period.toString() + " ms");
    return true;
  }

  onTick(): void {
    // One call at a time: a slow upstream does not pile up calls.
    if (this.inFlight) return;
    const call = dispatchHttpCall(this.cluster, this.headers, null, [], this.timeout);
    if (!call.ok) {
      logWarn("dispatch-on-tick: call to " + this.target + " not sent: " + statusName(call.status));
      return;
    }
    this.inFlight = true;
  }

  onHttpCallResponse(token: u32, numHeaders: u32, bodySize: usize, numTrailers: u32): void {
    this.inFlight = false;
    if (numHeaders == 0) {
      logWarn("dispatch-on-tick: call to " + this.target + " failed or timed out");
      return;
    }
    const status = httpCallResponseHeaders.get(":status");
    logInfo("dispatch-on-tick: " + this.target + " answered " + (status === null ? "without status" : status) +
      ", " + bodySize.toString() + " bytes");
  }
}

registerPlugin((contextId: u32): PluginContext => new TickCaller(contextId));
