export * from "proxy-wasm-as/assembly/proxy";
// Logs every request's and response's headers, and sets one response header (name and value
// from the configuration) on every response.
//
// Configuration (JSON, every key optional):
//   {"header": "x-powered-by", "value": "proxy-wasm-as", "logLevel": "info"}
// `logLevel` is "info" (lines visible with Envoy's default log level) or "debug" (hidden unless
// `--component-log-level wasm:debug`; the filter then skips formatting them altogether).
import {
  Action, HeaderPair, HttpContext, JsonValue, LogLevel, PluginContext, getLogLevel,
  asciiLowerCase, getPluginConfigurationJson, joinStrings, log, logError, registerPlugin, requestHeaders, responseHeaders,
} from "proxy-wasm-as/assembly";

class HeadersPlugin extends PluginContext {
  // Encoded once here, so a response costs one host call and no allocation to tag.
  headerName: ArrayBuffer = new ArrayBuffer(0);
  headerValue: ArrayBuffer = new ArrayBuffer(0);
  logLevel: LogLevel = LogLevel.Info;

  onPluginStart(configurationSize: usize): bool {
    const parsed = getPluginConfigurationJson();
    if (!parsed.ok) return false; // the SDK logged what is wrong with the JSON
    const config = <JsonValue>parsed.value;
    if (!config.isObject) {
      logError("http-headers: configuration must be a JSON object");
      return false;
    }
    const name = stringKey(config, "header", "x-powered-by");
    const value = stringKey(config, "value", "proxy-wasm-as");
    const level = stringKey(config, "logLevel", "info");
    if (name === null || value === null || level === null) return false;
    if (name.length == 0 || name.charCodeAt(0) == 0x3a) {
      logError("http-headers: \"header\" must be a non-empty header name, not a pseudo-header");
      return false;
    }
    if (level == "info") this.logLevel = LogLevel.Info;
    else if (level == "debug") this.logLevel = LogLevel.Debug;
    else {
      logError("http-headers: \"logLevel\" must be \"info\" or \"debug\", got \"" + level + "\"");
      return false;
    }
    // Proxies hold header names in lower case (HTTP/2 requires it).
    this.headerName = String.UTF8.encode(asciiLowerCase(name));
    this.headerValue = String.UTF8.encode(value);
    return true;
  }

  newHttpContext(contextId: u32): HttpContext {
    return new HeadersStream(contextId, this);
  }
}

class HeadersStream extends HttpContext {
  constructor(id: u32, private plugin: HeadersPlugin) { super(id); }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const level = this.plugin.logLevel;
    // The proxy drops lines below its level: then do not even read the headers.
    if (getLogLevel() <= level) logHeaders(level, "request", this.id, requestHeaders.getAll());
    return Action.Continue;
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): Action {
    const plugin = this.plugin;
    if (getLogLevel() <= plugin.logLevel) logHeaders(plugin.logLevel, "response", this.id, responseHeaders.getAll());
    // replace, not add: one value even when the upstream already set this header.
    responseHeaders.replaceBytes(plugin.headerName, plugin.headerValue);
    return Action.Continue;
  }
}

/**
 * One line per stream and direction: `request headers (#id): a=1, b=2`. Built with the SDK's
 * joinStrings, not `+=` per header or Array.join (both quadratic in a size-first build).
 */
function logHeaders(level: LogLevel, which: string, id: u32, pairs: HeaderPair[]): void {
  const parts = new Array<string>(pairs.length);
  for (let i = 0; i < pairs.length; i++) {
    const pair = unchecked(pairs[i]);
    unchecked((parts[i] = pair.name + "=" + pair.value));
  }
  log(level, "http-headers: " + which + " headers (#" + id.toString() + "): " + joinStrings(parts, ", "));
}

/** `key` as a string, `fallback` when absent; null (after logging) when of another type. */
function stringKey(config: JsonValue, key: string, fallback: string): string | null {
  const value = config.get(key);
  if (value === null) return fallback;
  const text = value.asString();
  if (text === null) logError("http-headers: \"" + key + "\" must be a string");
  return text;
}

registerPlugin((contextId: u32): PluginContext => new HeadersPlugin(contextId));
