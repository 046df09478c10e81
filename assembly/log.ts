// Logging through the proxy's own log (proxy_log). Building a message costs allocations, so
// check `getLogLevel()` first when a message is expensive and its level usually hidden.
import { proxy_get_log_level } from "./abi/imports";
import { logRaw } from "./runtime/log-raw";
import { RESULT_PTR } from "./runtime/memory";
import { LogLevel, Status } from "./types";

export function log(level: LogLevel, message: string): Status {
  return <Status>logRaw(<u32>level, message);
}

export function logTrace(message: string): void { logRaw(<u32>LogLevel.Trace, message); }
export function logDebug(message: string): void { logRaw(<u32>LogLevel.Debug, message); }
export function logInfo(message: string): void { logRaw(<u32>LogLevel.Info, message); }
export function logWarn(message: string): void { logRaw(<u32>LogLevel.Warn, message); }
export function logError(message: string): void { logRaw(<u32>LogLevel.Error, message); }
export function logCritical(message: string): void { logRaw(<u32>LogLevel.Critical, message); }

/** The proxy's current log level; Trace (log everything) if the host cannot say. */
export function getLogLevel(): LogLevel {
  if (proxy_get_log_level(RESULT_PTR) != <u32>Status.Ok) return LogLevel.Trace;
  return <LogLevel>load<u32>(RESULT_PTR);
}
