// A filter for the property-based tests of everything the SDK parses or encodes at the
// boundary (test/reliability/*.test.ts). The plugin's root id picks what it does:
// - "echo-all":    request and response headers are read with getAll and written back with setAll;
// - "echo-single": every header is read with get/getBytes, removed, and added back one by one;
// - "decode":      the request body (header-map bytes) is decoded with the SDK's decodePairs; the
//                  local response is 200 with the pairs re-encoded, or 400 when malformed;
// - "property":    the request body is a header map [op, value], then one pair per path segment;
//                  the local response carries the property (see onRequestBody);
// - "json":        the plugin configuration is parsed; the value is logged re-serialized as
//                  ASCII JSON ("json <text>"), or the start fails (the SDK logs why).
// Mismatches the filter can see by itself are logged at error level ("codec-probe: ...").
export * from "proxy-wasm-as/assembly/proxy";
import {
  Action, HeaderPair, HttpContext, JsonKind, JsonValue, PluginContext, getPluginConfigurationJson, getPluginRootId,
  getProperty, getPropertyBool, getPropertyInt, getPropertyMap, getPropertyString, logError, logInfo, registerPlugin,
  requestBody, requestHeaders, responseHeaders, sendLocalResponse, setProperty, statusName,
} from "proxy-wasm-as/assembly";
import { HeaderMap } from "proxy-wasm-as/assembly/headers";
import { decodePairs, encodePairs } from "proxy-wasm-as/assembly/runtime/pairs";

let mode: string = "";

// ---- header maps -------------------------------------------------------------------------

function echoAll(map: HeaderMap, count: u32): void {
  const pairs = map.getAll();
  if (<u32>pairs.length != count) logError("codec-probe: getAll gave " + pairs.length.toString() + " pairs, the host said " + count.toString());
  map.setAll(pairs);
}

function echoSingle(map: HeaderMap): void {
  const pairs = map.getAll();
  // Every value read alone must be the first value of its name, as text and as bytes.
  for (let i = 0; i < pairs.length; i++) {
    const name = pairs[i].name;
    let first = "";
    for (let j = 0; j < pairs.length; j++) if (pairs[j].name == name) { first = pairs[j].value; break; }
    const value = map.get(name);
    const bytes = map.getBytes(name);
    if (value === null || value != first) logError("codec-probe: get(" + name + ") is not the first value");
    if (bytes === null || String.UTF8.decode(bytes) != first) logError("codec-probe: getBytes(" + name + ") differs");
  }
  for (let i = 0; i < pairs.length; i++) map.remove(pairs[i].name);
  if (map.getAll().length != 0) logError("codec-probe: map not empty after removing every name");
  for (let i = 0; i < pairs.length; i++) map.add(pairs[i].name, pairs[i].value);
}

// ---- property requests ---------------------------------------------------------------------

function i64Text(v: i64): string { return v.toString(); }

/** Answers a property request: body = [op, value] then [segment, ""] per path segment. */
function answerProperty(pairs: HeaderPair[]): void {
  const op = pairs[0].name;
  const path = new Array<string>();
  for (let i = 1; i < pairs.length; i++) path.push(pairs[i].name);
  if (op == "get") {
    const value = getProperty(path);
    if (value === null) sendLocalResponse(404, "absent");
    else sendLocalResponse(200, "found", value);
  } else if (op == "get-string") {
    const value = getPropertyString(path);
    if (value === null) sendLocalResponse(404, "absent");
    else sendLocalResponse(200, "found", String.UTF8.encode(value));
  } else if (op == "get-int") {
    sendLocalResponse(200, "int", String.UTF8.encode(i64Text(getPropertyInt(path, -7))));
  } else if (op == "get-bool") {
    sendLocalResponse(200, "bool", String.UTF8.encode(getPropertyBool(path, false) ? "true" : "false"));
  } else if (op == "get-map") {
    const map = getPropertyMap(path);
    if (map === null) sendLocalResponse(404, "absent or malformed");
    else sendLocalResponse(200, "map", encodePairs(map));
  } else if (op == "set") {
    const status = setProperty(path, String.UTF8.encode(pairs[0].value));
    sendLocalResponse(200, "set", String.UTF8.encode(statusName(status)));
  } else {
    sendLocalResponse(400, "unknown op");
  }
}

// ---- JSON, re-serialized as ASCII -------------------------------------------------------

function quote(text: string): string {
  let out = "\"";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c == 0x22) out += "\\\"";
    else if (c == 0x5c) out += "\\\\";
    else if (c < 0x20 || c > 0x7e) {
      const hex = c.toString(16);
      out += "\\u" + "0000".slice(hex.length) + hex;
    } else out += String.fromCharCode(c);
  }
  return out + "\"";
}

function numberText(x: f64): string {
  if (isNaN(x)) return "\"NaN\"";
  if (!isFinite(x)) return x > 0 ? "1e999" : "-1e999";
  if (x == 0) return 1 / x < 0 ? "-0" : "0";
  return x.toString();
}

function serialize(v: JsonValue): string {
  switch (v.kind) {
    case JsonKind.Null: return "null";
    case JsonKind.Bool: return v.asBool() ? "true" : "false";
    case JsonKind.Number: return numberText(v.asNumber());
    case JsonKind.String: return quote(<string>v.asString());
    case JsonKind.Array: {
      const items = v.asArray();
      const parts = new Array<string>(items.length);
      for (let i = 0; i < items.length; i++) parts[i] = serialize(items[i]);
      return "[" + parts.join(",") + "]";
    }
    default: {
      const keys = v.objectKeys();
      const parts = new Array<string>(keys.length);
      // A repeated key serializes its last value every time: JSON.parse keeps the last one too.
      for (let i = 0; i < keys.length; i++) parts[i] = quote(keys[i]) + ":" + serialize(<JsonValue>v.get(keys[i]));
      return "{" + parts.join(",") + "}";
    }
  }
}

// ---- contexts ---------------------------------------------------------------------------

class CodecStream extends HttpContext {
  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    if (mode == "echo-all") echoAll(requestHeaders, numHeaders);
    else if (mode == "echo-single") echoSingle(requestHeaders);
    return Action.Continue;
  }

  onRequestBody(bodySize: usize, endOfStream: bool): Action {
    if (mode != "decode" && mode != "property") return Action.Continue;
    if (!endOfStream) return Action.Pause; // buffer it all
    const body = requestBody.get();
    const pairs = decodePairs(body === null ? new ArrayBuffer(0) : body);
    if (mode == "decode") {
      if (pairs === null) sendLocalResponse(400, "malformed");
      else sendLocalResponse(200, "decoded", encodePairs(pairs));
    } else if (pairs === null || pairs.length == 0) {
      sendLocalResponse(400, "bad property request");
    } else {
      answerProperty(pairs);
    }
    return Action.Pause;
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): Action {
    if (mode == "echo-all") echoAll(responseHeaders, numHeaders);
    else if (mode == "echo-single") echoSingle(responseHeaders);
    return Action.Continue;
  }
}

class CodecPlugin extends PluginContext {
  onPluginStart(configurationSize: usize): bool {
    mode = getPluginRootId();
    if (mode != "json") return true;
    const parsed = getPluginConfigurationJson();
    if (!parsed.ok) return false; // the SDK logged the error and its byte position
    logInfo("json " + serialize(<JsonValue>parsed.value));
    return true;
  }

  newHttpContext(contextId: u32): HttpContext { return new CodecStream(contextId); }
}

registerPlugin((contextId: u32): PluginContext => new CodecPlugin(contextId));
