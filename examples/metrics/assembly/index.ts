export * from "proxy-wasm-as/assembly/proxy";
// Request metrics: a counter of requests tagged by method and response status, a histogram of
// request durations in milliseconds, a gauge of active streams.
//
// Tags are encoded into the metric name (`http_requests_total.method=.=GET;.;status=.=200;.;`);
// Envoy's `stats_config.stats_tags` turns them into labels (see envoy.yaml). Each
// (method, status) counter is defined once, the first time the pair is seen, and kept in a Map.
import {
  Action, Counter, Gauge, Histogram, HttpContext, JsonValue, MetricTag, PluginContext, registerPlugin,
  getMonotonicTimeNanoseconds, getPluginConfigurationJson, logError, requestHeaders, responseHeaders,
} from "proxy-wasm-as/assembly";

/** Methods that get their own label; anything else is counted as OTHER (bounded cardinality). */
const METHODS: string[] = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE", "OTHER"];
const OTHER_METHOD: i32 = 9;

function methodIndex(method: string | null): i32 {
  if (method === null) return OTHER_METHOD;
  for (let i = 0; i < OTHER_METHOD; i++) if (unchecked(METHODS[i]) == method) return i;
  return OTHER_METHOD;
}

/** A 3-digit status code, or 0 when the response had none (reset, no upstream) or a bad one. */
function statusCode(status: string | null): i32 {
  if (status === null || status.length != 3) return 0;
  let code = 0;
  for (let i = 0; i < 3; i++) {
    const digit = status.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return 0;
    code = code * 10 + digit;
  }
  return code >= 100 ? code : 0;
}

class MetricsPlugin extends PluginContext {
  requestsName: string = "";
  counters: Map<i32, Counter> = new Map();
  duration: Histogram | null = null;
  active: Gauge | null = null;
  /**
   * "add" (default): each stream moves the gauge by +1/-1, so the VMs of all workers (Envoy: one
   * per worker thread) add up. "set": this plugin counts its streams and sets the gauge, for hosts
   * that cannot add to a gauge (ngx_wasm_module: "metric not a counter"); right when one VM writes
   * the gauge (one nginx worker).
   */
  setGauge: bool = false;
  activeStreams: u64 = 0;

  onPluginStart(configurationSize: usize): bool {
    const parsed = getPluginConfigurationJson();
    if (!parsed.ok) return false; // the SDK logged what is wrong with the JSON
    const config = <JsonValue>parsed.value;
    if (!config.isObject) {
      logError("metrics: configuration must be a JSON object");
      return false;
    }
    let prefix = "http";
    const value = config.get("prefix");
    if (value !== null) {
      const text = value.asString();
      if (text === null || text.length == 0) {
        logError("metrics: \"prefix\" must be a non-empty string");
        return false;
      }
      prefix = text;
    }
    const mode = config.get("gauge");
    if (mode !== null) {
      const text = mode.asString();
      if (text === null || (text != "add" && text != "set")) {
        logError("metrics: \"gauge\" must be \"add\" or \"set\"");
        return false;
      }
      this.setGauge = text == "set";
    }
    this.requestsName = prefix + "_requests_total";
    this.duration = Histogram.define(prefix + "_request_duration_milliseconds");
    this.active = Gauge.define(prefix + "_active_streams");
    return true;
  }

  /** The counter for (method, status), defined the first time the pair is seen. */
  counter(method: i32, status: i32, statusText: string | null): Counter {
    const key = method * 1000 + status;
    if (this.counters.has(key)) return this.counters.get(key);
    const counter = Counter.define(this.requestsName, [
      new MetricTag("method", unchecked(METHODS[method])),
      new MetricTag("status", status == 0 ? "none" : <string>statusText),
    ]);
    this.counters.set(key, counter);
    return counter;
  }

  /** One more (+1) or one fewer (-1) active stream. */
  moveActive(by: i64): void {
    const gauge = <Gauge>this.active;
    if (!this.setGauge) {
      gauge.add(by);
      return;
    }
    this.activeStreams += by;
    gauge.set(this.activeStreams);
  }

  newHttpContext(contextId: u32): HttpContext {
    return new MetricsStream(contextId, this);
  }
}

class MetricsStream extends HttpContext {
  started: bool = false;
  method: i32 = OTHER_METHOD;
  startNanos: u64 = 0;

  constructor(id: u32, public plugin: MetricsPlugin) { super(id); }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    this.started = true;
    this.startNanos = getMonotonicTimeNanoseconds();
    this.method = methodIndex(requestHeaders.get(":method"));
    this.plugin.moveActive(1);
    return Action.Continue;
  }

  onLog(): void {
    if (!this.started) return;
    this.started = false;
    const plugin = this.plugin;
    plugin.moveActive(-1);
    const now = getMonotonicTimeNanoseconds();
    const elapsed = now > this.startNanos ? now - this.startNanos : 0;
    (<Histogram>plugin.duration).record(elapsed / 1_000_000);
    const status = responseHeaders.get(":status");
    plugin.counter(this.method, statusCode(status), status).increment();
  }
}

registerPlugin((contextId: u32): PluginContext => new MetricsPlugin(contextId));
