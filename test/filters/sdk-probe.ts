// A filter that exercises every SDK helper, driven by the request: the `x-probe` request
// header names the scenario. The SDK's own tests (test/sdk/*.test.ts) run it in the emulator.
export * from "proxy-wasm-as/assembly/proxy";
import {
  Action, Counter, Gauge, HeaderPair, Histogram, HttpContext, JsonValue, MetricTag, PluginContext, Status,
  dispatchHttpCall, getCallStatus, getCurrentTimeNanoseconds, getPluginConfigurationJson, getProperty,
  getPropertyBool, getPropertyInt, getPropertyMap, getPropertyString, getSharedData, httpCallResponseBody,
  httpCallResponseHeaders, logInfo, logWarn, registerPlugin, requestBody, requestHeaders, requestTrailers,
  responseBody, responseHeaders, sendLocalResponseText, setSharedData, setTickPeriodMilliseconds, statusName,
  continueRequest, enqueueSharedQueue, registerSharedQueue, dequeueSharedQueue, resolveSharedQueue,
  setProperty, getLogLevel, TcpContext, downstreamData, upstreamData, PeerType,
  dispatchGrpcCall, grpcMessage,
} from "proxy-wasm-as/assembly";

let config: JsonValue | null = null;
let requests: Counter | null = null;
let active: Gauge | null = null;
let sizes: Histogram | null = null;

class Probe extends HttpContext {
  scenario: string = "";
  bodyBytes: usize = 0;

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const scenario = requestHeaders.get("x-probe");
    this.scenario = scenario === null ? "" : scenario;
    (<Counter>requests).increment();
    (<Gauge>active).add(1);
    const s = this.scenario;
    if (s == "headers") {
      // Missing vs empty are different answers.
      const missing = requestHeaders.get("x-missing");
      const empty = requestHeaders.get("x-empty");
      requestHeaders.add("x-missing-is-null", missing === null ? "yes" : "no");
      requestHeaders.add("x-empty-is-empty", empty !== null && empty.length == 0 ? "yes" : "no");
      requestHeaders.replace("x-replace", "new");
      requestHeaders.remove("x-remove");
      requestHeaders.add("x-count", requestHeaders.getAll().length.toString());
      requestHeaders.add("x-utf8", "héllo ✓");
    } else if (s == "set-all") {
      requestHeaders.setAll([new HeaderPair(":path", "/rewritten"), new HeaderPair("x-only", "1")]);
    } else if (s == "local") {
      sendLocalResponseText(403, "probe_denied", "denied by probe", [new HeaderPair("x-reason", "probe")]);
      return Action.Pause;
    } else if (s == "call") {
      const result = dispatchHttpCall("auth-cluster",
        [new HeaderPair(":method", "GET"), new HeaderPair(":path", "/check"), new HeaderPair(":authority", "auth")],
        null, [], 1000);
      if (!result.ok) {
        sendLocalResponseText(500, "call_failed", "dispatch failed: " + statusName(<Status>result.status));
        return Action.Pause;
      }
      return Action.Pause;
    } else if (s == "grpc") {
      const result = dispatchGrpcCall("grpc-cluster", "auth.Check", "Allow", [new HeaderPair("x-meta", "1")],
        String.UTF8.encode("req"), 1000);
      return result.ok ? Action.Pause : Action.Continue;
    } else if (s == "shared") {
      const before = getSharedData("probe-key");
      requestHeaders.add("x-shared-before", before.status == Status.Ok ? String.UTF8.decode(<ArrayBuffer>before.value) : "absent");
      requestHeaders.add("x-shared-set", statusName(setSharedData("probe-key", String.UTF8.encode("v1"))));
      const current = getSharedData("probe-key");
      // A writer that read `current` wins once; a second write with the same CAS is stale.
      requestHeaders.add("x-shared-cas", statusName(setSharedData("probe-key", String.UTF8.encode("v2"), current.cas)));
      requestHeaders.add("x-shared-stale", statusName(setSharedData("probe-key", String.UTF8.encode("v3"), current.cas)));
    } else if (s == "properties") {
      const path = getPropertyString(["request", "path"]);
      requestHeaders.add("x-prop-path", path === null ? "null" : path);
      requestHeaders.add("x-prop-missing", getProperty(["no", "such"]) === null ? "null" : "value");
      requestHeaders.add("x-prop-int", getPropertyInt(["request", "size"], -1).toString());
      requestHeaders.add("x-prop-bool", getPropertyBool(["connection", "mtls"]) ? "true" : "false");
      const map = getPropertyMap(["request", "headers"]);
      requestHeaders.add("x-prop-map", map === null ? "null" : map.length.toString());
      setProperty(["filter_state", "probe"], String.UTF8.encode("set"));
    } else if (s == "enqueue") {
      const queue = resolveSharedQueue("", "probe-queue");
      if (queue.status == Status.Ok) enqueueSharedQueue(queue.id, String.UTF8.encode("item"));
      requestHeaders.add("x-queue", statusName(queue.status));
    } else if (s == "time") {
      requestHeaders.add("x-time", getCurrentTimeNanoseconds() > 0 ? "set" : "zero");
      requestHeaders.add("x-log-level", (<u32>getLogLevel()).toString());
    } else if (s == "abort") {
      throw new Error("probe abort");
    } else if (s == "config") {
      const greeting = (<JsonValue>config).getString("greeting");
      requestHeaders.add("x-greeting", greeting === null ? "none" : greeting);
      requestHeaders.add("x-limit", (<JsonValue>config).getNumber("limit", -1).toString());
    }
    return Action.Continue;
  }

  onRequestBody(bodySize: usize, endOfStream: bool): Action {
    const s = this.scenario;
    if (s == "buffer-body") {
      if (!endOfStream) return Action.Pause;
      const body = requestBody.getText();
      requestBody.replaceText("[" + body + "](" + bodySize.toString() + ")");
    } else if (s == "append-body") {
      requestBody.appendText("+tail");
      requestBody.prependText("head+");
    } else if (s == "body-size") {
      this.bodyBytes = requestBody.size();
      requestHeaders.get("x-probe"); // headers are not available here in Envoy: a defined answer
    }
    return Action.Continue;
  }

  onRequestTrailers(numTrailers: u32): Action {
    if (this.scenario == "trailers") requestTrailers.add("x-trailer-seen", numTrailers.toString());
    return Action.Continue;
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): Action {
    responseHeaders.add("x-probe-response", this.scenario);
    return Action.Continue;
  }

  onResponseBody(bodySize: usize, endOfStream: bool): Action {
    if (this.scenario == "response-body" && endOfStream) responseBody.replaceText("rewritten");
    return Action.Continue;
  }

  onHttpCallResponse(token: u32, numHeaders: u32, bodySize: usize, numTrailers: u32): void {
    if (numHeaders == 0) {
      sendLocalResponseText(503, "auth_unavailable", "auth call failed");
      return;
    }
    const status = httpCallResponseHeaders.get(":status");
    const body = httpCallResponseBody.getText();
    if (status == "200") {
      requestHeaders.add("x-auth-body", body);
      continueRequest();
    } else {
      sendLocalResponseText(403, "auth_denied", "denied: " + body);
    }
  }

  // A unary call that succeeds ends with its message; one that fails ends with a close.
  onGrpcReceive(token: u32, messageSize: usize): void {
    requestHeaders.add("x-grpc-message", grpcMessage.getText());
    continueRequest();
  }

  onGrpcClose(token: u32, statusCode: u32): void {
    sendLocalResponseText(403, "grpc_denied", "grpc status " + statusCode.toString() + ": " + getCallStatus().message, [], <i32>statusCode);
  }

  onLog(): void {
    (<Gauge>active).add(-1);
    (<Histogram>sizes).record(<u64>this.bodyBytes);
  }
}

class Tcp extends TcpContext {
  onDownstreamData(dataSize: usize, endOfStream: bool): Action {
    downstreamData.prependText(">");
    return Action.Continue;
  }
  onUpstreamData(dataSize: usize, endOfStream: bool): Action {
    upstreamData.appendText("<");
    return Action.Continue;
  }
  onDownstreamClose(peer: PeerType): void {
    logInfo("tcp downstream closed by " + (<u32>peer).toString());
  }
}

class ProbePlugin extends PluginContext {
  ticks: u32 = 0;

  onPluginStart(configurationSize: usize): bool {
    const parsed = getPluginConfigurationJson();
    if (!parsed.ok) return false;
    config = parsed.value;
    requests = Counter.define("probe_requests", [new MetricTag("plugin", "probe")]);
    active = Gauge.define("probe_active");
    sizes = Histogram.define("probe_body_bytes");
    registerSharedQueue("probe-queue");
    if ((<JsonValue>config).getBool("tick")) setTickPeriodMilliseconds(100);
    return true;
  }

  onTick(): void {
    this.ticks++;
    logInfo("probe tick " + this.ticks.toString());
  }

  onQueueReady(id: u32): void {
    const item = dequeueSharedQueue(id);
    if (item.status == Status.Ok) logInfo("probe dequeued " + String.UTF8.decode(<ArrayBuffer>item.value));
    else logWarn("probe dequeue: " + statusName(item.status));
  }

  newTcpContext(contextId: u32): TcpContext | null {
    return (<JsonValue>config).getBool("tcp") ? new Tcp(contextId) : null;
  }

  newHttpContext(contextId: u32): HttpContext { return new Probe(contextId); }
}

registerPlugin((contextId: u32): PluginContext => new ProbePlugin(contextId));
