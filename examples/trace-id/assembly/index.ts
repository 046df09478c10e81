export * from "proxy-wasm-as/assembly/proxy";
// Trace id propagation: a request's `x-trace-id` is kept when it looks like an id (1 to 128
// characters of A-Z a-z 0-9 - _ .); otherwise (absent, empty, odd characters) a new one of 32
// random hex characters replaces it. The upstream sees the id on the request, the client on
// the response.
//
// Configuration (JSON, optional): {"header": "x-trace-id"}
import {
  Action, asciiLowerCase, HttpContext, JsonValue, PluginContext, getPluginConfigurationJson, logError, registerPlugin,
  requestHeaders, responseHeaders,
} from "proxy-wasm-as/assembly";

const MAX_ID_BYTES = 128;
const HEX = "0123456789abcdef";

class TraceIdPlugin extends PluginContext {
  headerName: string = "x-trace-id";
  /** The header name, encoded once. */
  header: ArrayBuffer = new ArrayBuffer(0);

  onPluginStart(configurationSize: usize): bool {
    const parsed = getPluginConfigurationJson();
    if (!parsed.ok) return false; // the SDK logged what is wrong with the JSON
    const config = <JsonValue>parsed.value;
    if (!config.isObject) {
      logError("trace-id: configuration must be a JSON object");
      return false;
    }
    let name = "x-trace-id";
    const header = config.get("header");
    if (header !== null) {
      const text = header.asString();
      if (text === null || text.length == 0 || text.charCodeAt(0) == 0x3a) {
        logError("trace-id: \"header\" must be a non-empty header name, not a pseudo-header");
        return false;
      }
      name = asciiLowerCase(text);
    }
    this.headerName = name;
    this.header = String.UTF8.encode(name);
    return true;
  }

  newHttpContext(contextId: u32): HttpContext {
    return new TraceIdStream(contextId, this);
  }
}

class TraceIdStream extends HttpContext {
  /** The id as bytes, from the request or generated; set for the response. */
  traceId: ArrayBuffer | null = null;

  constructor(id: u32, private plugin: TraceIdPlugin) { super(id); }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const plugin = this.plugin;
    const incoming = requestHeaders.getBytes(plugin.headerName);
    if (incoming !== null && isTraceId(incoming)) {
      this.traceId = incoming;
      return Action.Continue;
    }
    const id = newTraceId();
    this.traceId = id;
    requestHeaders.replaceBytes(plugin.header, id);
    return Action.Continue;
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): Action {
    const id = this.traceId;
    if (id !== null) responseHeaders.replaceBytes(this.plugin.header, id);
    return Action.Continue;
  }
}

/** 1 to 128 bytes of A-Z a-z 0-9 - _ . */
function isTraceId(value: ArrayBuffer): bool {
  const n = value.byteLength;
  if (n == 0 || n > MAX_ID_BYTES) return false;
  const p = changetype<usize>(value);
  for (let i = 0; i < n; i++) {
    const c = load<u8>(p + <usize>i);
    const ok = (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) || c == 0x2d || c == 0x5f || c == 0x2e;
    if (!ok) return false;
  }
  return true;
}

/**
 * 128 random bits as 32 lower-case hex characters. Math.random is seeded per VM from the
 * host's entropy (WASI random_get); it is not a cryptographic generator, which a trace id
 * does not need.
 */
function newTraceId(): ArrayBuffer {
  const id = new ArrayBuffer(32);
  const p = changetype<usize>(id);
  for (let word = 0; word < 4; word++) {
    let bits = <u32>(Math.random() * 4294967296.0);
    for (let i = 7; i >= 0; i--) {
      store<u8>(p + <usize>(word * 8 + i), <u8>HEX.charCodeAt(bits & 0xf));
      bits >>>= 4;
    }
  }
  return id;
}

registerPlugin((contextId: u32): PluginContext => new TraceIdPlugin(contextId));
