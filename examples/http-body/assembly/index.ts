export * from "proxy-wasm-as/assembly/proxy";
// Body rewriting.
// - Request: a JSON object body gets two more members, `"receivedAt"` (server time, ms since
//   the Unix epoch) and `"requestId"` (the `x-request-id` header, null when absent).
// - Response: a JSON body is wrapped as `{"data": <body>, "requestId": "..."}` (mode "wrap"), or
//   any body is replaced by a configured text (mode "replace"), or left alone (mode "off").
// Bodies that are not JSON, or larger than `maxBytes`, pass through unchanged with a log line.
//
// Configuration (JSON, every key optional):
//   {"maxBytes": 65536, "responseMode": "wrap", "wrapKey": "data", "replacement": "..."}
import {
  Action, HttpContext, JsonValue, PluginContext, getCurrentTimeMilliseconds, getPluginConfigurationJson,
  logError, logInfo, parseJson, registerPlugin, requestBody, requestHeaders, responseBody, responseHeaders,
} from "proxy-wasm-as/assembly";

enum ResponseMode { Off, Wrap, Replace }

class BodyPlugin extends PluginContext {
  maxBytes: usize = 65536;
  mode: ResponseMode = ResponseMode.Wrap;
  /** `{"data":` for wrapping, encoded once. */
  wrapPrefix: ArrayBuffer = new ArrayBuffer(0);
  replacement: ArrayBuffer = new ArrayBuffer(0);

  onPluginStart(configurationSize: usize): bool {
    const parsed = getPluginConfigurationJson();
    if (!parsed.ok) return false; // the SDK logged what is wrong with the JSON
    const config = <JsonValue>parsed.value;
    if (!config.isObject) {
      logError("http-body: configuration must be a JSON object");
      return false;
    }
    const max = config.get("maxBytes");
    if (max !== null) {
      const n = max.asNumber();
      if (!(n >= 1 && n <= 100_000_000) || n != Math.floor(n)) {
        logError("http-body: \"maxBytes\" must be a whole number from 1 to 100000000");
        return false;
      }
      this.maxBytes = <usize>n;
    }
    const mode = stringKey(config, "responseMode", "wrap");
    const wrapKey = stringKey(config, "wrapKey", "data");
    const replacement = stringKey(config, "replacement", "");
    if (mode === null || wrapKey === null || replacement === null) return false;
    if (mode == "wrap") this.mode = ResponseMode.Wrap;
    else if (mode == "replace") this.mode = ResponseMode.Replace;
    else if (mode == "off") this.mode = ResponseMode.Off;
    else {
      logError("http-body: \"responseMode\" must be \"wrap\", \"replace\" or \"off\", got \"" + mode + "\"");
      return false;
    }
    if (this.mode == ResponseMode.Replace && !config.has("replacement")) {
      logError("http-body: \"replacement\" is required when \"responseMode\" is \"replace\"");
      return false;
    }
    this.wrapPrefix = String.UTF8.encode("{" + jsonString(wrapKey) + ":");
    this.replacement = String.UTF8.encode(replacement);
    return true;
  }

  newHttpContext(contextId: u32): HttpContext {
    return new BodyStream(contextId, this);
  }
}

class BodyStream extends HttpContext {
  requestId: string | null = null;
  rewriteRequest: bool = false;
  rewriteResponse: bool = false;

  constructor(id: u32, private plugin: BodyPlugin) { super(id); }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    this.requestId = requestHeaders.get("x-request-id");
    if (endOfStream || !isJson(requestHeaders.get("content-type"))) return Action.Continue;
    if (tooLong(requestHeaders.get("content-length"), this.plugin.maxBytes)) {
      logInfo("http-body: request body over " + this.plugin.maxBytes.toString() + " bytes, passing it through unchanged");
      return Action.Continue;
    }
    // The body may change size: the upstream must not rely on the client's length.
    requestHeaders.remove("content-length");
    this.rewriteRequest = true;
    return Action.Continue;
  }

  onRequestBody(bodySize: usize, endOfStream: bool): Action {
    if (!this.rewriteRequest) return Action.Continue;
    // While we pause, the proxy buffers the chunks and bodySize is the total so far.
    if (bodySize > this.plugin.maxBytes) {
      this.rewriteRequest = false;
      logInfo("http-body: request body over " + this.plugin.maxBytes.toString() + " bytes, passing it through unchanged");
      return Action.Continue;
    }
    if (!endOfStream) return Action.Pause;
    this.rewriteRequest = false;
    const body = requestBody.get();
    if (body === null) return Action.Continue;
    const parsed = parseJson(body);
    const value = parsed.value;
    if (value === null || !value.isObject) {
      logInfo("http-body: request body is not a JSON object (" +
        (value === null ? parsed.error : "another JSON value") + "), passing it through unchanged");
      return Action.Continue;
    }
    let members = ",\"receivedAt\":" + getCurrentTimeMilliseconds().toString() + ",\"requestId\":" + jsonStringOrNull(this.requestId);
    if (value.length == 0) members = members.substring(1); // `{}` gets no leading comma
    requestBody.replace(insertBeforeLastBrace(body, String.UTF8.encode(members)));
    return Action.Continue;
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): Action {
    const mode = this.plugin.mode;
    if (endOfStream || mode == ResponseMode.Off) return Action.Continue;
    if (mode == ResponseMode.Wrap && !isJson(responseHeaders.get("content-type"))) return Action.Continue;
    if (tooLong(responseHeaders.get("content-length"), this.plugin.maxBytes)) {
      logInfo("http-body: response body over " + this.plugin.maxBytes.toString() + " bytes, passing it through unchanged");
      return Action.Continue;
    }
    responseHeaders.remove("content-length");
    this.rewriteResponse = true;
    return Action.Continue;
  }

  onResponseBody(bodySize: usize, endOfStream: bool): Action {
    if (!this.rewriteResponse) return Action.Continue;
    const plugin = this.plugin;
    if (bodySize > plugin.maxBytes) {
      this.rewriteResponse = false;
      logInfo("http-body: response body over " + plugin.maxBytes.toString() + " bytes, passing it through unchanged");
      return Action.Continue;
    }
    if (!endOfStream) return Action.Pause;
    this.rewriteResponse = false;
    if (plugin.mode == ResponseMode.Replace) {
      responseBody.replace(plugin.replacement);
      return Action.Continue;
    }
    const body = responseBody.get();
    if (body === null) return Action.Continue;
    const parsed = parseJson(body);
    if (!parsed.ok) {
      logInfo("http-body: response body is not JSON (" + parsed.error + "), passing it through unchanged");
      return Action.Continue;
    }
    // Only the ends change: the original bytes stay where they are in the host's buffer.
    responseBody.prepend(plugin.wrapPrefix);
    responseBody.appendText(",\"requestId\":" + jsonStringOrNull(this.requestId) + "}");
    return Action.Continue;
  }
}

/** `application/json`, `application/problem+json`, with or without parameters. */
function isJson(contentType: string | null): bool {
  if (contentType === null) return false;
  const semicolon = contentType.indexOf(";");
  const type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
  return type == "application/json" || type.endsWith("+json");
}

/** Whether a Content-Length header announces more than `max` bytes. */
function tooLong(contentLength: string | null, max: usize): bool {
  if (contentLength === null) return false;
  const length = parseFloat(contentLength);
  return length > <f64>max;
}

/** A copy of `body` (a JSON object) with `members` inserted before its closing brace. */
function insertBeforeLastBrace(body: ArrayBuffer, members: ArrayBuffer): ArrayBuffer {
  const start = changetype<usize>(body);
  let brace = <usize>body.byteLength;
  while (brace > 0 && load<u8>(start + brace - 1) != 0x7d) brace--; // skip trailing white space
  brace--;
  const result = new ArrayBuffer(body.byteLength + members.byteLength);
  const out = changetype<usize>(result);
  memory.copy(out, start, brace);
  memory.copy(out + brace, changetype<usize>(members), <usize>members.byteLength);
  memory.copy(out + brace + <usize>members.byteLength, start + brace, <usize>body.byteLength - brace);
  return result;
}

function jsonStringOrNull(text: string | null): string {
  return text === null ? "null" : jsonString(text);
}

/** `text` as a JSON string literal: quotes, backslashes and control characters escaped. */
function jsonString(text: string): string {
  let out = "\"";
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c != 0x22 && c != 0x5c) continue;
    out += text.substring(run, i);
    if (c == 0x22) out += "\\\"";
    else if (c == 0x5c) out += "\\\\";
    else if (c == 0x0a) out += "\\n";
    else if (c == 0x0d) out += "\\r";
    else if (c == 0x09) out += "\\t";
    else out += "\\u00" + (c < 0x10 ? "0" : "1") + "0123456789abcdef".charAt(c & 0xf);
    run = i + 1;
  }
  return out + text.substring(run) + "\"";
}

/** `key` as a string, `fallback` when absent; null (after logging) when of another type. */
function stringKey(config: JsonValue, key: string, fallback: string): string | null {
  const value = config.get(key);
  if (value === null) return fallback;
  const text = value.asString();
  if (text === null) logError("http-body: \"" + key + "\" must be a string");
  return text;
}

registerPlugin((contextId: u32): PluginContext => new BodyPlugin(contextId));
