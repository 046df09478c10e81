// The proxy-wide state every VM of one emulated proxy shares: the clock, the log, shared data
// and queues, metrics, host-wide properties, foreign functions, pending HTTP/gRPC calls and the
// work deferred until a VM call returns. The VM's host functions act on it; `Host` (host.ts)
// is this state plus loading modules and answering calls.
import { LOG_LEVELS, type LogLevelName } from "../wasm/abi.js";
import { CallRegistry } from "./calls.js";
import { DeferredWork } from "./deferred-work.js";
import { envoyForeignFunctions, type ForeignFunction } from "./foreign-functions.js";
import { Metrics } from "./metrics.js";
import { checkBigInt, checkBoolean, checkInteger, checkStringRecord, checkStrings } from "../wasm/option-checks.js";
import { type PropertyPath, PropertyStore, type PropertyValue } from "./properties.js";
import { SharedData, SharedQueues } from "./shared.js";

/** The options of the proxy-wide state (HostOptions adds the ones about loading modules). */
export interface ProxyStateOptions {
  /** Wall-clock time in nanoseconds since the epoch. Default 2024-01-01T00:00:00Z; moves only with advanceTime. */
  now?: bigint;
  /** Host log level (proxy_get_log_level); lower levels are dropped, as Envoy does. Default "trace". */
  logLevel?: LogLevelName | number;
  /** false = lean mode for benchmarks: no log records, only the last forwarded body chunk kept. Default true. */
  record?: boolean;
  /** Known upstream clusters; when set, calls to other names fail like in Envoy (BAD_ARGUMENT / PARSE_FAILURE). */
  clusters?: string[];
  /** Environment variables offered through WASI environ_get. Default none. */
  env?: Record<string, string>;
  /** Also print every filter log line to the console. */
  echoLogs?: boolean;
  /**
   * Envoy's per_connection_buffer_limit_bytes: a body the filter holds (body callback PAUSE)
   * beyond it is answered by the proxy, 413 for a request, 500 or a reset for a response.
   * Default 1 MiB, Envoy's default.
   */
  bufferLimitBytes?: number;
}

/** Envoy's default per_connection_buffer_limit_bytes. */
export const DEFAULT_BUFFER_LIMIT_BYTES = 1024 * 1024;

/** The clock is a u64 of nanoseconds (proxy_get_current_time_nanoseconds writes 8 bytes). */
export const MAX_CLOCK_NS = 2n ** 64n - 1n;

/** A level name or number as the host keeps it (0 trace .. 5 critical). */
function logLevelOf(level: LogLevelName | number | undefined): number {
  if (level === undefined) return 0;
  if (typeof level === "number") return checkInteger("logLevel", level, 0, LOG_LEVELS.length - 1);
  const n = LOG_LEVELS.indexOf(level);
  if (n < 0)
    throw new RangeError(`logLevel must be one of ${LOG_LEVELS.join(", ")} or 0..5, got ${JSON.stringify(level)}`);
  return n;
}

export interface LogEntry {
  level: LogLevelName;
  message: string;
  /** Context the log came from (0 during _initialize). */
  contextId: number;
  vmId: string;
}

/**
 * Decides a host function's answer before it runs: a status to return instead of running it,
 * or undefined to run it. Fault injection installs one (Host.injectFaults); none by default.
 */
export type HostCallHook = (call: string, vmId: string, contextId: number) => number | undefined;

export class ProxyState {
  now: bigint;
  readonly startNs: bigint;
  logLevel: number;
  readonly record: boolean;
  readonly bufferLimitBytes: number;
  readonly clusters: string[] | undefined;
  readonly env: Record<string, string>;
  readonly logs: LogEntry[] = [];
  readonly sharedData = new SharedData();
  readonly queues: SharedQueues;
  readonly metrics = new Metrics();
  /** Host-wide properties (node.id, source.address, ...); plugins and streams may override. */
  readonly properties = new PropertyStore();
  /** Envoy's foreign functions (host/state/foreign-functions.ts) plus any the test registers. */
  readonly foreignFunctions = new Map<string, ForeignFunction>(envoyForeignFunctions());
  /** @internal */
  readonly calls = new CallRegistry();
  /**
   * @internal Sees every line a filter logs, whatever the level and `record` (a plugin that is
   * starting listens for the error lines that say why it failed).
   */
  logTap: ((level: number, message: string, vmId: string, contextId: number) => void) | null = null;
  /** @internal Consulted before every env host function runs (not during _initialize). */
  hostCallHook: HostCallHook | null = null;
  /**
   * @internal Told of every env host function about to run (after the hook let it), with the VM
   * that calls it: Host.interleave switches workers there.
   */
  beforeHostCall: ((call: string, vm: object) => void) | null = null;
  private readonly echoLogs: boolean;
  private deferred = new DeferredWork();

  constructor(opts: ProxyStateOptions = {}) {
    this.now = opts.now === undefined ? 1_704_067_200_000_000_000n : checkBigInt("now", opts.now, 0n, MAX_CLOCK_NS);
    this.startNs = this.now;
    this.logLevel = logLevelOf(opts.logLevel);
    this.record = opts.record === undefined ? true : checkBoolean("record", opts.record);
    // Envoy's per_connection_buffer_limit_bytes is a UInt32Value; 0 (no limit there) is not emulated.
    this.bufferLimitBytes =
      opts.bufferLimitBytes === undefined
        ? DEFAULT_BUFFER_LIMIT_BYTES
        : checkInteger("bufferLimitBytes", opts.bufferLimitBytes, 1, 0xffff_ffff);
    this.clusters = opts.clusters === undefined ? undefined : checkStrings("clusters", opts.clusters);
    this.env = opts.env === undefined ? {} : checkStringRecord("env", opts.env);
    this.echoLogs = opts.echoLogs === undefined ? false : checkBoolean("echoLogs", opts.echoLogs);
    this.queues = new SharedQueues((t) => this.schedule(t));
  }

  // ---- logs ---------------------------------------------------------------------------

  /** @internal proxy_log / fd_write land here, at or above the host's log level. */
  log(level: number, message: string, vmId: string, contextId: number): void {
    this.logTap?.(level, message, vmId, contextId);
    if (level < this.logLevel) return;
    if (this.echoLogs) console.log(`[${LOG_LEVELS[level]}] [vm "${vmId}" ctx ${contextId}] ${message}`);
    if (this.record) this.logs.push({ level: LOG_LEVELS[level], message, contextId, vmId });
  }

  /** Messages logged at exactly this level, oldest first. */
  logsAt(level: LogLevelName): string[] {
    return this.logs.filter((l) => l.level === level).map((l) => l.message);
  }

  clearLogs(): void {
    this.logs.length = 0;
  }

  // ---- properties, foreign functions ----------------------------------------------------

  /** Sets a property every context sees (unless a plugin or stream overrides it); undefined removes it. */
  setProperty(path: PropertyPath, value: PropertyValue | undefined): void {
    this.properties.set(path, value);
  }

  registerForeignFunction(name: string, fn: ForeignFunction): void {
    this.foreignFunctions.set(name, fn);
  }

  // ---- deferred work --------------------------------------------------------------------

  /**
   * @internal Runs fn as one host operation; work scheduled meanwhile (stream resumes, queue
   * notifications, proxy_done) runs after it, as Envoy runs it after the VM call returns.
   */
  drive<T>(fn: () => T): T {
    return this.deferred.drive(fn);
  }

  /** @internal */
  schedule(task: () => void): void {
    this.deferred.schedule(task);
  }

  /**
   * @internal Runs fn with its own deferred work, as another worker thread would: what it
   * schedules runs when fn's own operations end, not after the operation it interrupts.
   */
  asAnotherWorker<T>(fn: () => T): T {
    const own = this.deferred;
    this.deferred = new DeferredWork();
    try {
      return fn();
    } finally {
      this.deferred = own;
    }
  }
}
