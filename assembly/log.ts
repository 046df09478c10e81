// Logging through the proxy's own log (proxy_log). Building a message costs allocations, so
// check `getLogLevel()` first when a message is expensive and its level usually hidden.
import { proxy_get_log_level, proxy_log } from "./abi/imports";
import { encodeUtf8 } from "./runtime/utf8";
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

/**
 * Logs `prefix` followed by the bytes of `data` (UTF-8 text, logged as it is) without building
 * a string: one temporary copy of both, freed before it returns. A 2 MiB body logged this way
 * costs 2 MiB for a moment; through a string (decoded to UTF-16, concatenated, encoded again for
 * the host) it costs several times that.
 */
export function logBytes(level: LogLevel, prefix: string, data: ArrayBuffer): Status {
  const size = <usize>data.byteLength;
  const line = heap.alloc(<usize>prefix.length * 3 + size);
  const prefixBytes = encodeUtf8(prefix, line);
  memory.copy(line + prefixBytes, changetype<usize>(data), size);
  const status = <Status>proxy_log(<u32>level, line, prefixBytes + size);
  heap.free(line);
  return status;
}

/**
 * The proxy's current log level; Trace (log everything) if the host cannot say.
 *
 * Only a module that calls this imports `proxy_get_log_level` (the log functions above go
 * straight to proxy_log). Stock ngx_wasm_module (Kong Gateway) declares that import with two
 * parameters where the ABI has one, so such a module does not instantiate there
 * ("incompatible import type for env::proxy_get_log_level"). Building with
 * `--use PROXY_WASM_AS_NO_GET_LOG_LEVEL=1` drops the import: this then returns Trace without
 * asking, and the proxy still drops the lines below its level (docs/hosts.md).
 */
export function getLogLevel(): LogLevel {
  if (isDefined(PROXY_WASM_AS_NO_GET_LOG_LEVEL)) return LogLevel.Trace;
  if (proxy_get_log_level(RESULT_PTR) != <u32>Status.Ok) return LogLevel.Trace;
  return <LogLevel>load<u32>(RESULT_PTR);
}
