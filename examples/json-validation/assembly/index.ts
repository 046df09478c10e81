export * from "proxy-wasm-as/assembly/proxy";
// Rejects requests whose body is not a JSON object holding every configured key.
// - A body that is not a JSON object (or no body at all): 400, with the reason in the body.
// - A JSON object without a required key: 403, naming the first missing key.
// - A body over `maxBytes`: 413.
// Only requests with one of the configured methods are checked; the others pass.
//
// Configuration (JSON): {"requiredKeys": ["user", "action"], "methods": ["POST", "PUT", "PATCH"], "maxBytes": 65536}
// `requiredKeys` is required; `methods` and `maxBytes` are optional (defaults shown).
import {
  Action, HeaderPair, HttpContext, JsonValue, PluginContext, getPluginConfigurationJson, getProperty, logError,
  parseJson, registerPlugin, requestBody, requestHeaders, sendLocalResponseText,
} from "proxy-wasm-as/assembly";

class ValidationPlugin extends PluginContext {
  requiredKeys: string[] = [];
  methods: string[] = ["POST", "PUT", "PATCH"];
  maxBytes: usize = 65536;
  /** The headers of every rejection, built once. */
  replyHeaders: HeaderPair[] = [new HeaderPair("content-type", "text/plain; charset=utf-8")];

  onPluginStart(configurationSize: usize): bool {
    const parsed = getPluginConfigurationJson();
    if (!parsed.ok) return false; // the SDK logged what is wrong with the JSON
    const config = <JsonValue>parsed.value;
    if (!config.isObject) {
      logError("json-validation: configuration must be a JSON object");
      return false;
    }
    if (!config.has("requiredKeys")) {
      logError("json-validation: \"requiredKeys\" is required (an array of key names)");
      return false;
    }
    const keys = config.getStringArray("requiredKeys");
    if (keys === null) {
      logError("json-validation: \"requiredKeys\" must be an array of strings");
      return false;
    }
    this.requiredKeys = keys;
    if (config.has("methods")) {
      const methods = config.getStringArray("methods");
      if (methods === null) {
        logError("json-validation: \"methods\" must be an array of strings");
        return false;
      }
      this.methods = methods;
    }
    const max = config.get("maxBytes");
    if (max !== null) {
      const n = max.asNumber();
      if (!(n >= 1 && n <= 100_000_000) || n != Math.floor(n)) {
        logError("json-validation: \"maxBytes\" must be a whole number from 1 to 100000000");
        return false;
      }
      this.maxBytes = <usize>n;
    }
    return true;
  }

  newHttpContext(contextId: u32): HttpContext {
    return new ValidationStream(contextId, this);
  }
}

/**
 * Whether a host that never signals the end of the stream with the request headers is
 * forwarding a request without a body. ngx_wasm_module (Kong) passes endOfStream false on every
 * request and calls no body callback when there is no body, so there the HTTP/1.1 framing decides
 * (RFC 9112 section 6.3): no transfer-encoding and no or a zero content-length mean no body.
 * Envoy signals the end (endOfStream), and its HTTP/2 requests may carry a body without either
 * header, so elsewhere nothing changes: the host is recognised by a property only nginx has
 * (Envoy answers NOT_FOUND for an unknown top-level name: Context::getProperty in
 * source/extensions/common/wasm/context.cc).
 */
function hasNoBodyByFraming(): bool {
  if (requestHeaders.get("transfer-encoding") !== null) return false;
  const length = requestHeaders.get("content-length");
  if (length !== null && length != "0") return false;
  return getProperty(NGINX_VERSION) !== null;
}
const NGINX_VERSION: string[] = ["ngx", "nginx_version"];

class ValidationStream extends HttpContext {
  checking: bool = false;

  constructor(id: u32, private plugin: ValidationPlugin) { super(id); }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const method = requestHeaders.get(":method");
    if (method === null || !this.plugin.methods.includes(method)) return Action.Continue;
    if (endOfStream || hasNoBodyByFraming()) return this.reject(400, "json_validation_no_body", "request body required: expected a JSON object");
    // The headers go on; the body is held back (onRequestBody pauses) until it is checked.
    this.checking = true;
    return Action.Continue;
  }

  onRequestBody(bodySize: usize, endOfStream: bool): Action {
    if (!this.checking) return Action.Continue;
    // While we pause, the proxy buffers the chunks and bodySize is the total so far.
    if (bodySize > this.plugin.maxBytes) {
      return this.reject(413, "json_validation_too_large", "request body over " + this.plugin.maxBytes.toString() + " bytes");
    }
    if (!endOfStream) return Action.Pause;
    this.checking = false;
    const body = requestBody.get();
    const parsed = parseJson(body === null ? new ArrayBuffer(0) : body);
    const value = parsed.value;
    if (value === null) {
      return this.reject(400, "json_validation_malformed", "request body is not valid JSON: " + parsed.error + " at byte " + parsed.position.toString());
    }
    if (!value.isObject) return this.reject(400, "json_validation_not_object", "request body must be a JSON object");
    const keys = this.plugin.requiredKeys;
    for (let i = 0; i < keys.length; i++) {
      const key = unchecked(keys[i]);
      if (!value.has(key)) return this.reject(403, "json_validation_missing_key", "missing required key: " + key);
    }
    return Action.Continue;
  }

  private reject(status: u32, details: string, reason: string): Action {
    this.checking = false;
    sendLocalResponseText(status, details, reason + "\n", this.plugin.replyHeaders);
    return Action.Pause;
  }
}

registerPlugin((contextId: u32): PluginContext => new ValidationPlugin(contextId));
