// Replacements for AssemblyScript's `env.abort`, `env.trace` and `env.seed`, which no proxy
// provides. The SDK's asconfig.json maps them here with `--use`.
import { formatU32 } from "./format";
import { random_get } from "../abi/imports";
import { logRaw } from "./log-raw";

const LOG_LEVEL_TRACE: u32 = 0;
const LOG_LEVEL_CRITICAL: u32 = 5;

/** A failed assertion or runtime error: say why at critical level, then trap the VM. */
export function abortWithLog(message: string | null, fileName: string | null, line: u32, column: u32): void {
  logRaw(
    LOG_LEVEL_CRITICAL,
    "abort: " + (message === null ? "(no message)" : message) +
      " at " + (fileName === null ? "?" : fileName) + ":" + formatU32(line) + ":" + formatU32(column),
  );
  unreachable();
}

/** `trace()` goes to the proxy's log at trace level, with its numeric arguments. */
export function traceToLog(message: string, n: i32 = 0, a0: f64 = 0, a1: f64 = 0, a2: f64 = 0, a3: f64 = 0, a4: f64 = 0): void {
  let line = "trace: " + message;
  if (n > 0) line += " " + a0.toString();
  if (n > 1) line += ", " + a1.toString();
  if (n > 2) line += ", " + a2.toString();
  if (n > 3) line += ", " + a3.toString();
  if (n > 4) line += ", " + a4.toString();
  logRaw(LOG_LEVEL_TRACE, line);
}

const SEED_CELL: usize = memory.data(8, 8);

/** Seeds Math.random from the host's entropy (WASI random_get, which proxies provide). */
export function seedFromHost(): f64 {
  random_get(SEED_CELL, 8);
  return reinterpret<f64>(load<u64>(SEED_CELL));
}
