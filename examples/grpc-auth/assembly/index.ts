export * from "proxy-wasm-as/assembly/proxy";
// Authorises each request with a gRPC call to an authorisation service, then lets it through or
// refuses it:
//   request headers → dispatchGrpcCall(cluster, service, method, CheckRequest) → Pause
//   answer (status OK)     → continueRequest()
//   onGrpcClose(other)     → 403, grpc-status 7 (PERMISSION_DENIED)
//   call not sent          → 503, grpc-status 14 (UNAVAILABLE)
// Envoy delivers a unary call that succeeded as onGrpcReceive (the response message) with no
// onGrpcClose after it, and a call that failed (error status, timeout, no upstream) as
// onGrpcClose(status) alone; a host that also closes a successful call with status 0 is served
// too. The first verdict wins.
// The request message is a small protobuf, serialised by hand (no protobuf library needed):
//   message CheckRequest { string path = 1; string authorization = 2; }
// A deny-by-status service is the simplest contract; the answer's message is not read.
import {
  Action, HttpContext, JsonValue, LogLevel, PluginContext,
  continueRequest, dispatchGrpcCall, getCallStatus, getLogLevel, getPluginConfigurationJson, logDebug, logError, logWarn,
  registerPlugin, requestHeaders, sendLocalResponseText, statusName,
} from "proxy-wasm-as/assembly";

const GRPC_OK: u32 = 0;
const GRPC_PERMISSION_DENIED: i32 = 7;
const GRPC_UNAVAILABLE: i32 = 14;

// --- protobuf encoding (length-delimited string fields only)

function varintSize(value: u32): i32 {
  let size = 1;
  while (value >= 0x80) { value >>= 7; size++; }
  return size;
}

function writeVarint(at: usize, value: u32): usize {
  while (value >= 0x80) {
    store<u8>(at++, <u8>(value & 0x7f) | 0x80);
    value >>= 7;
  }
  store<u8>(at++, <u8>value);
  return at;
}

/** Bytes of one field (tag, length, data); 0 for an absent field (proto3 leaves it out). */
function fieldSize(data: ArrayBuffer | null): i32 {
  if (data === null || data.byteLength == 0) return 0;
  return 1 + varintSize(<u32>data.byteLength) + data.byteLength;
}

function writeField(at: usize, fieldNumber: u32, data: ArrayBuffer | null): usize {
  if (data === null || data.byteLength == 0) return at;
  store<u8>(at++, <u8>((fieldNumber << 3) | 2)); // wire type 2: length-delimited
  at = writeVarint(at, <u32>data.byteLength);
  memory.copy(at, changetype<usize>(data), <usize>data.byteLength);
  return at + <usize>data.byteLength;
}

/** CheckRequest { path = 1; authorization = 2 } from the raw header bytes. */
function encodeCheckRequest(path: ArrayBuffer | null, authorization: ArrayBuffer | null): ArrayBuffer {
  const message = new ArrayBuffer(fieldSize(path) + fieldSize(authorization));
  let at = changetype<usize>(message);
  at = writeField(at, 1, path);
  writeField(at, 2, authorization);
  return message;
}

// --- configuration

function requiredString(config: JsonValue, key: string): string | null {
  const value = config.get(key);
  let text: string | null = null;
  if (value !== null) text = value.asString();
  if (text === null || text.length == 0) {
    logError("grpc-auth: \"" + key + "\" is required (a non-empty string)");
    return null;
  }
  return text;
}

class AuthPlugin extends PluginContext {
  cluster: string = "";
  service: string = "";
  method: string = "";
  timeout: u32 = 1000;

  onPluginStart(configurationSize: usize): bool {
    const parsed = getPluginConfigurationJson();
    if (!parsed.ok) return false; // the SDK logged what is wrong with the JSON
    const config = <JsonValue>parsed.value;
    if (!config.isObject) {
      logError("grpc-auth: configuration must be a JSON object");
      return false;
    }
    const cluster = requiredString(config, "cluster");
    if (cluster === null) return false;
    const service = requiredString(config, "service");
    if (service === null) return false;
    const method = requiredString(config, "method");
    if (method === null) return false;
    const timeoutValue = config.get("timeout_ms");
    if (timeoutValue !== null) {
      const timeout = timeoutValue.asNumber();
      if (!(timeout >= 1 && timeout <= 600000) || timeout != Math.floor(timeout)) {
        logError("grpc-auth: \"timeout_ms\" must be an integer from 1 to 600000");
        return false;
      }
      this.timeout = <u32>timeout;
    }
    this.cluster = cluster;
    this.service = service;
    this.method = method;
    return true;
  }

  newHttpContext(contextId: u32): HttpContext {
    return new AuthStream(contextId, this);
  }
}

// --- per request

class AuthStream extends HttpContext {
  decided: bool = false;

  constructor(id: u32, public plugin: AuthPlugin) { super(id); }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const plugin = this.plugin;
    const message = encodeCheckRequest(requestHeaders.getBytes(":path"), requestHeaders.getBytes("authorization"));
    const call = dispatchGrpcCall(plugin.cluster, plugin.service, plugin.method, [], message, plugin.timeout);
    if (!call.ok) {
      logWarn("grpc-auth: cannot call " + plugin.service + "/" + plugin.method + " on " + plugin.cluster + ": " +
        statusName(call.status));
      sendLocalResponseText(503, "grpc_auth_unavailable", "authorisation service unavailable\n", [], GRPC_UNAVAILABLE);
      return Action.Pause;
    }
    return Action.Pause;
  }

  allow(): void {
    if (this.decided) return;
    this.decided = true;
    continueRequest();
  }

  /** The call succeeded (status OK): its response message arrived. */
  onGrpcReceive(token: u32, messageSize: usize): void {
    this.allow();
  }

  onGrpcClose(token: u32, statusCode: u32): void {
    if (statusCode == GRPC_OK) {
      this.allow();
      return;
    }
    if (this.decided) return;
    this.decided = true;
    if (getLogLevel() <= LogLevel.Debug) logDebug("grpc-auth: denied, authorisation service answered status " + statusCode.toString() + " " + getCallStatus().message);
    sendLocalResponseText(403, "grpc_auth_denied", "access denied\n", [], GRPC_PERMISSION_DENIED);
  }
}

registerPlugin((contextId: u32): PluginContext => new AuthPlugin(contextId));
