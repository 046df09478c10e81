// The log-path benchmark filter: each request's headers callback does one thing, picked by the
// plugin configuration ("none", "log": one logInfo, "level": one getLogLevel), so the cost of one
// call is the difference from "none".
export * from "proxy-wasm-as/assembly/proxy";
import { Action, HttpContext, LogLevel, PluginContext, getLogLevel, getPluginConfigurationText, logInfo, registerPlugin } from "proxy-wasm-as/assembly";

const NONE: i32 = 0;
const LOG: i32 = 1;
const LEVEL: i32 = 2;
/** What getLogLevel returned last, so the call is not optimised away. */
// biome-ignore lint/correctness/noUnusedVariables: written, never read, so the optimizer keeps the measured call
let lastLevel: LogLevel = LogLevel.Trace;

class LogPathPlugin extends PluginContext {
  mode: i32 = NONE;

  onPluginStart(configurationSize: usize): bool {
    const config = getPluginConfigurationText();
    this.mode = config == "log" ? LOG : config == "level" ? LEVEL : NONE;
    return true;
  }

  newHttpContext(contextId: u32): HttpContext {
    return new LogPathStream(contextId, this.mode);
  }
}

class LogPathStream extends HttpContext {
  constructor(id: u32, private mode: i32) { super(id); }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    if (this.mode == LOG) logInfo("log-path: request headers arrived");
    else if (this.mode == LEVEL) lastLevel = getLogLevel();
    return Action.Continue;
  }
}

registerPlugin((contextId: u32): PluginContext => new LogPathPlugin(contextId));
