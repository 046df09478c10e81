// Probe for the typed encodings over raw host data: shared-data counters and text, and the
// plugin configuration as text. A request names the operation in x-op and gets the result back
// in request headers (x-status, x-value, x-cas) for the test to read.
export * from "proxy-wasm-as/assembly/proxy";
import {
  Action, HttpContext, PluginContext, getPluginConfigurationText, getSharedCounter, getSharedText,
  incrementSharedCounter, logInfo, registerPlugin, requestHeaders, setSharedCounter, setSharedText, statusName,
} from "proxy-wasm-as/assembly";

function header(name: string): string {
  const value = requestHeaders.get(name);
  return value === null ? "" : value;
}

function numberHeader(name: string, otherwise: u64): u64 {
  const value = header(name);
  return value.length == 0 ? otherwise : U64.parseInt(value);
}

class Probe extends HttpContext {
  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const op = header("x-op");
    const key = header("x-key");
    if (op == "get-counter") {
      const r = getSharedCounter(key);
      this.report(statusName(r.status), r.value.toString(), r.cas);
    } else if (op == "set-counter") {
      this.report(statusName(setSharedCounter(key, numberHeader("x-value", 0), <u32>numberHeader("x-cas", 0))), "", 0);
    } else if (op == "increment") {
      const r = incrementSharedCounter(key, numberHeader("x-delta", 1), <u32>numberHeader("x-attempts", 8));
      this.report(statusName(r.status), r.value.toString(), r.cas);
    } else if (op == "get-text") {
      const r = getSharedText(key);
      this.report(statusName(r.status), r.text, r.cas);
    } else if (op == "set-text") {
      this.report(statusName(setSharedText(key, header("x-value"), <u32>numberHeader("x-cas", 0))), "", 0);
    }
    return Action.Continue;
  }

  report(status: string, value: string, cas: u32): void {
    requestHeaders.replace("x-status", status);
    requestHeaders.replace("x-value", value);
    requestHeaders.replace("x-cas", cas.toString());
  }
}

class Plugin extends PluginContext {
  onPluginStart(configurationSize: usize): bool {
    logInfo("configuration text: [" + getPluginConfigurationText() + "]");
    return true;
  }

  newHttpContext(contextId: u32): HttpContext { return new Probe(contextId); }
}

registerPlugin((contextId: u32): PluginContext => new Plugin(contextId));
