// The emulated proxy: one process-wide state (clock, logs, shared data, queues, metrics,
// properties, pending calls) shared by every VM loaded into it.
import { LOG_LEVELS, type LogLevelName } from "./abi.js";
import { type BytesLike, toBytes } from "./bytes.js";
import { CallRegistry, type GrpcCall, type GrpcStream, type HttpCall } from "./calls.js";
import { FaultInjector, type FaultOptions } from "./faults.js";
import { envoyForeignFunctions, type ForeignCallInfo, type ForeignStatus } from "./foreign-functions.js";
import { normalizeHeaders } from "./headers.js";
import { type PairsInit } from "./pairs.js";
import type { Plugin } from "./plugin.js";
import { type PropertyPath, PropertyStore, type PropertyValue } from "./properties.js";
import { SharedData, SharedQueues } from "./shared.js";
import { Metrics } from "./metrics.js";
import { type LoadOptions, type ModuleSource, Vm } from "./vm.js";

export interface HostOptions {
  /** Wall-clock time in nanoseconds since the epoch. Default 2024-01-01T00:00:00Z; moves only with advanceTime. */
  now?: bigint;
  /** Host log level (proxy_get_log_level); lower levels are dropped, as Envoy does. Default "trace". */
  logLevel?: LogLevelName | number;
  /** false = lean mode for benchmarks: no log records, only the last forwarded body chunk kept. Default true. */
  record?: boolean;
  /** Cap on each module's linear memory; memory.grow past it fails. Default 256 MiB. */
  memoryLimitBytes?: number;
  /** Known upstream clusters; when set, calls to other names fail like in Envoy (BAD_ARGUMENT / PARSE_FAILURE). */
  clusters?: string[];
  /** Environment variables offered through WASI environ_get. Default none. */
  env?: Record<string, string>;
  /** Also print every filter log line to the console. */
  echoLogs?: boolean;
  /**
   * Bound on loop iterations and function calls in one callback (host/loop-limit.ts): a filter
   * that loops forever fails with LoopLimitError instead of hanging the test. Instruments the
   * module, so it is off by default.
   */
  loopLimit?: number;
  /** Fault injection (host/faults.ts): chosen or random host calls answer an error status. Default none. */
  faults?: FaultOptions;
  /**
   * Envoy's per_connection_buffer_limit_bytes: a body the filter holds (body callback PAUSE)
   * beyond it is answered by the proxy, 413 for a request, 500 or a reset for a response.
   * Default 1 MiB, Envoy's default.
   */
  bufferLimitBytes?: number;
}

/** Envoy's default per_connection_buffer_limit_bytes. */
export const DEFAULT_BUFFER_LIMIT_BYTES = 1024 * 1024;

/** What Envoy's router answers an HTTP call whose timeout passed (Filter::onResponseTimeout). */
const TIMEOUT_RESPONSE: HttpCallResponse = {
  status: 504,
  headers: [["content-length", "24"], ["content-type", "text/plain"]],
  body: "upstream request timeout",
};

export interface LogEntry {
  level: LogLevelName;
  message: string;
  /** Context the log came from (0 during _initialize). */
  contextId: number;
  vmId: string;
}

export interface HttpCallResponse {
  /** Added as ":status" unless headers already have one. Default 200. */
  status?: number;
  headers?: PairsInit;
  body?: BytesLike;
  trailers?: PairsInit;
}

/** A JS function the module can call with proxy_call_foreign_function. */
export type ForeignFunction = (args: Uint8Array, info: ForeignCallInfo) => BytesLike | ForeignStatus | void | null;

export class Host {
  now: bigint;
  readonly startNs: bigint;
  logLevel: number;
  readonly record: boolean;
  readonly loopLimit: number | undefined;
  readonly bufferLimitBytes: number;
  readonly clusters: string[] | undefined;
  readonly env: Record<string, string>;
  readonly logs: LogEntry[] = [];
  readonly sharedData = new SharedData();
  readonly queues: SharedQueues;
  readonly metrics = new Metrics();
  /** Host-wide properties (node.id, source.address, ...); plugins and streams may override. */
  readonly properties = new PropertyStore();
  readonly vms: Vm[] = [];
  /** Envoy's foreign functions (host/foreign-functions.ts) plus any the test registers. */
  readonly foreignFunctions = new Map<string, ForeignFunction>(envoyForeignFunctions());
  /** @internal */
  readonly calls = new CallRegistry();
  /** The fault injector in use, or null (the default: no faults). */
  faults: FaultInjector | null;
  private readonly memoryLimitBytes: number;
  private readonly echoLogs: boolean;
  private busy = 0;
  private tasks: (() => void)[] = [];

  constructor(opts: HostOptions = {}) {
    this.now = opts.now ?? 1_704_067_200_000_000_000n;
    this.startNs = this.now;
    this.logLevel = typeof opts.logLevel === "string" ? LOG_LEVELS.indexOf(opts.logLevel) : (opts.logLevel ?? 0);
    if (this.logLevel < 0 || this.logLevel > 5) throw new Error(`unknown log level ${String(opts.logLevel)}`);
    this.record = opts.record ?? true;
    this.loopLimit = opts.loopLimit;
    this.bufferLimitBytes = opts.bufferLimitBytes ?? DEFAULT_BUFFER_LIMIT_BYTES;
    this.clusters = opts.clusters;
    this.env = opts.env ?? {};
    this.memoryLimitBytes = opts.memoryLimitBytes ?? 256 * 1024 * 1024;
    this.echoLogs = opts.echoLogs ?? false;
    this.queues = new SharedQueues((t) => this.schedule(t));
    this.faults = opts.faults ? new FaultInjector(opts.faults) : null;
  }

  /** Starts injecting faults (replacing any injector), or stops with null. Returns the injector. */
  injectFaults(opts: FaultOptions | null): FaultInjector | null {
    this.faults = opts ? new FaultInjector(opts) : null;
    return this.faults;
  }

  /** Loads a module (bytes or a file path), links it, and runs _initialize (then main) or _start. */
  async loadVm(source: ModuleSource, opts: LoadOptions = {}): Promise<Vm> {
    const vm = await Vm.load(this, source, opts, Math.max(1, Math.floor(this.memoryLimitBytes / 65536)));
    this.vms.push(vm);
    return vm;
  }

  // ---- logs ---------------------------------------------------------------------------

  /** @internal proxy_log / fd_write land here. */
  log(vm: Vm, level: number, message: string): void {
    if (level === 5) vm.callCritical = message;
    else if (level === 4) vm.callError = message;
    if (level < this.logLevel) return;
    const contextId = vm.current ? vm.ctx().id : 0;
    if (this.echoLogs) console.log(`[${LOG_LEVELS[level]}] [vm "${vm.vmId}" ctx ${contextId}] ${message}`);
    if (this.record) this.logs.push({ level: LOG_LEVELS[level], message, contextId, vmId: vm.vmId });
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

  // ---- time ---------------------------------------------------------------------------

  /**
   * Moves the clock forward, in time order: proxy_on_tick for every plugin context that set a
   * tick period (each as often as its period fits), and Envoy's 504 answer for every HTTP call
   * whose timeout (timeout_ms > 0) passes unanswered.
   */
  advanceTime(ms: number): void {
    const target = this.now + BigInt(Math.round(ms * 1e6));
    for (;;) {
      let next: Plugin | undefined;
      for (const vm of this.vms) {
        if (vm.failure) continue;
        for (const p of vm.plugins) {
          if (p.reachable && p.tickPeriodMs > 0 && p.nextTickAt <= target && (!next || p.nextTickAt < next.nextTickAt)) next = p;
        }
      }
      let due: { token: number; at: bigint } | undefined;
      for (const [token, c] of this.calls.http) {
        if (c.deadline !== null && c.deadline <= target && (!due || c.deadline < due.at)) due = { token, at: c.deadline };
      }
      if (due && (!next || due.at <= next.nextTickAt)) {
        if (due.at > this.now) this.now = due.at;
        this.timeOutHttpCall(due.token);
        continue;
      }
      if (!next) break;
      if (next.nextTickAt > this.now) this.now = next.nextTickAt;
      next.nextTickAt += BigInt(next.tickPeriodMs) * 1_000_000n;
      const p = next;
      this.drive(() => p.vm.call("proxy_on_tick", p, p.id));
    }
    this.now = target;
  }

  // ---- HTTP calls ---------------------------------------------------------------------

  /** Calls the filters dispatched that have not been answered, oldest first. */
  get httpCalls(): HttpCall[] {
    return [...this.calls.http.values()].map((c) => c.view);
  }

  private takeHttp(token: number) {
    const c = this.calls.http.get(token);
    if (!c) throw new Error(`no pending HTTP call with token ${token}`);
    this.calls.http.delete(token);
    return c;
  }

  /**
   * Answers a call: proxy_on_http_call_response(root, token, headers, body size, trailers) on the
   * plugin context that made it. Dropped quietly if that plugin is gone. Returns false then.
   */
  respondHttpCall(token: number, res: HttpCallResponse = {}): boolean {
    const { plugin } = this.takeHttp(token);
    if (!plugin.reachable) return false;
    const headers = normalizeHeaders(res.headers);
    if (!headers.some(([k]) => k === ":status")) headers.unshift([":status", String(res.status ?? 200)]);
    const body = toBytes(res.body).slice();
    this.drive(() => plugin.deliverHttpResponse(token, { headers, body, trailers: normalizeHeaders(res.trailers) }));
    return true;
  }

  /**
   * Times a call out now, as Envoy does when its timeout passes (advanceTime does it by itself):
   * the router's local reply arrives as an answer, 504 "upstream request timeout".
   */
  timeOutHttpCall(token: number): boolean {
    return this.respondHttpCall(token, TIMEOUT_RESPONSE);
  }

  /** Fails a call (the connection was reset): proxy_on_http_call_response(root, token, 0, 0, 0). */
  failHttpCall(token: number): boolean {
    const { plugin } = this.takeHttp(token);
    if (!plugin.reachable) return false;
    this.drive(() => plugin.deliverHttpResponse(token, null));
    return true;
  }

  // ---- gRPC ---------------------------------------------------------------------------

  get grpcCalls(): GrpcCall[] {
    return [...this.calls.grpc.values()].map((c) => c.view);
  }

  get grpcStreams(): GrpcStream[] {
    return [...this.calls.streams.values()].map((c) => c.view);
  }

  private takeGrpc(token: number) {
    const c = this.calls.grpc.get(token);
    if (!c) throw new Error(`no pending gRPC call with token ${token}`);
    this.calls.grpc.delete(token);
    return c;
  }

  private stream(token: number) {
    const s = this.calls.streams.get(token);
    if (!s) throw new Error(`no open gRPC stream with token ${token}`);
    return s;
  }

  /** A unary call succeeded: proxy_on_grpc_receive(root, token, size) with the response message. */
  respondGrpcCall(token: number, message: BytesLike): boolean {
    const { plugin } = this.takeGrpc(token);
    if (!plugin.reachable) return false;
    this.drive(() => plugin.deliverGrpcMessage(token, toBytes(message).slice()));
    return true;
  }

  /** A unary call failed: proxy_on_grpc_close(root, token, status); proxy_get_status gives (status, message). */
  failGrpcCall(token: number, status: number, message = ""): boolean {
    const { plugin } = this.takeGrpc(token);
    if (!plugin.reachable) return false;
    this.drive(() => plugin.deliverGrpcClose(token, status, message));
    return true;
  }

  grpcStreamInitialMetadata(token: number, metadata: PairsInit): void {
    const { plugin } = this.stream(token);
    if (plugin.reachable) this.drive(() => plugin.deliverGrpcInitialMetadata(token, normalizeHeaders(metadata)));
  }

  grpcStreamMessage(token: number, message: BytesLike): void {
    const { plugin } = this.stream(token);
    if (plugin.reachable) this.drive(() => plugin.deliverGrpcMessage(token, toBytes(message).slice()));
  }

  grpcStreamTrailingMetadata(token: number, metadata: PairsInit): void {
    const { plugin } = this.stream(token);
    if (plugin.reachable) this.drive(() => plugin.deliverGrpcTrailingMetadata(token, normalizeHeaders(metadata)));
  }

  /** The remote closed the stream: proxy_on_grpc_close(root, token, status). */
  grpcStreamClose(token: number, status: number, message = ""): void {
    const { plugin } = this.stream(token);
    this.calls.streams.delete(token);
    if (plugin.reachable) this.drive(() => plugin.deliverGrpcClose(token, status, message));
  }

  // ---- deferred work --------------------------------------------------------------------

  /**
   * @internal Runs fn as one host operation; work scheduled meanwhile (stream resumes, queue
   * notifications, proxy_done) runs after it, as Envoy runs it after the VM call returns.
   */
  drive<T>(fn: () => T): T {
    this.busy++;
    let failed = true;
    try {
      const r = fn();
      failed = false;
      return r;
    } finally {
      if (this.busy === 1 && !failed) {
        try {
          while (this.tasks.length) this.tasks.shift()!();
        } catch (e) {
          this.tasks = [];
          this.busy--;
          throw e;
        }
      }
      if (this.busy === 1 && failed) this.tasks = [];
      this.busy--;
    }
  }

  /** @internal */
  schedule(task: () => void): void {
    if (this.busy === 0) this.drive(task);
    else this.tasks.push(task);
  }
}
