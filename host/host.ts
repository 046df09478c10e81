// The emulated proxy as a test drives it: the proxy-wide state every VM shares (proxy-state.ts),
// plus loading modules, moving the clock (ticks, call timeouts), answering the filters' HTTP and
// gRPC calls, and fault injection, which it installs as the state's host-call hook.
import { type BytesLike, toBytes } from "./wasm/bytes.js";
import type { GrpcCall, GrpcStream, HttpCall, HttpCallResponse } from "./state/calls.js";
import { FaultInjector, type FaultOptions } from "./faults.js";
import { normalizeHeaders } from "./wasm/headers.js";
import { interleave, type InterleaveOptions } from "./interleave.js";
import type { PairsInit } from "./wasm/pairs.js";
import type { Plugin } from "./streams/plugin.js";
import { DEFAULT_MAX_MODULE_BYTES, MAX_MODULE_BYTES } from "./wasm/module-size.js";
import { checkFinite, checkInteger, checkKnownKeys } from "./wasm/option-checks.js";
import { MAX_CLOCK_NS, ProxyState, type ProxyStateOptions } from "./state/proxy-state.js";
import { Vm } from "./vm.js";
import type { LoadOptions, ModuleSource } from "./vm/vm-instance.js";

export interface HostOptions extends ProxyStateOptions {
  /** Cap on each module's linear memory; memory.grow past it fails. Default 256 MiB; 64 KiB to 4 GiB. */
  memoryLimitBytes?: number;
  /**
   * Bound on loop iterations and function calls in one callback (host/wasm/loop-limit.ts): a filter
   * that loops forever fails with LoopLimitError instead of hanging the test. Instruments the
   * module, so it is off by default.
   */
  loopLimit?: number;
  /** Fault injection (host/faults.ts): chosen or random host calls answer an error status. Default none. */
  faults?: FaultOptions;
  /**
   * Largest module loadVm accepts, in bytes; a larger one is refused before it is read whole.
   * Default 64 MiB (module-size.ts says why).
   */
  maxModuleBytes?: number;
}

/** Every HostOptions name: the constructor refuses others (a misspelt option would do nothing). */
export const HOST_OPTION_NAMES = [
  "now",
  "logLevel",
  "record",
  "clusters",
  "env",
  "echoLogs",
  "bufferLimitBytes",
  "memoryLimitBytes",
  "loopLimit",
  "faults",
  "maxModuleBytes",
] as const satisfies readonly (keyof HostOptions)[];

/** wasm32's largest memory: 65,536 pages of 64 KiB. */
const MAX_MEMORY_BYTES = 65536 * 65536;

/** What Envoy's router answers an HTTP call whose timeout passed (Filter::onResponseTimeout). */
const TIMEOUT_RESPONSE: HttpCallResponse = {
  status: 504,
  headers: [
    ["content-length", "24"],
    ["content-type", "text/plain"],
  ],
  body: "upstream request timeout",
};

export class Host extends ProxyState {
  readonly loopLimit: number | undefined;
  readonly vms: Vm[] = [];
  private readonly memoryLimitBytes: number;
  /** The largest module loadVm accepts (HostOptions.maxModuleBytes). */
  readonly maxModuleBytes: number;
  private injector: FaultInjector | null = null;

  constructor(opts: HostOptions = {}) {
    if (typeof opts !== "object" || opts === null) throw new TypeError("Host options must be an object");
    checkKnownKeys("Host", opts, HOST_OPTION_NAMES);
    super(opts);
    this.loopLimit =
      opts.loopLimit === undefined ? undefined : checkInteger("loopLimit", opts.loopLimit, 1, Number.MAX_SAFE_INTEGER);
    this.memoryLimitBytes =
      opts.memoryLimitBytes === undefined
        ? 256 * 1024 * 1024
        : checkInteger("memoryLimitBytes", opts.memoryLimitBytes, 65536, MAX_MEMORY_BYTES);
    this.maxModuleBytes =
      opts.maxModuleBytes === undefined
        ? DEFAULT_MAX_MODULE_BYTES
        : checkInteger("maxModuleBytes", opts.maxModuleBytes, 8, MAX_MODULE_BYTES);
    if (opts.faults !== undefined && (typeof opts.faults !== "object" || opts.faults === null)) {
      throw new TypeError("faults must be an object (FaultOptions)");
    }
    this.faults = opts.faults ? new FaultInjector(opts.faults) : null;
  }

  /** The fault injector in use, or null (the default: no faults). */
  get faults(): FaultInjector | null {
    return this.injector;
  }

  /** Setting it installs the injector as the hook every env host function consults first. */
  set faults(injector: FaultInjector | null) {
    this.injector = injector;
    this.hostCallHook = injector && ((call, vmId, contextId) => injector.decide(call, vmId, contextId));
  }

  /** Starts injecting faults (replacing any injector), or stops with null. Returns the injector. */
  injectFaults(opts: FaultOptions | null): FaultInjector | null {
    this.faults = opts ? new FaultInjector(opts) : null;
    return this.faults;
  }

  /** Loads a module (bytes or a file path), links it, and runs _initialize (then main) or _start. */
  async loadVm(source: ModuleSource, opts: LoadOptions = {}): Promise<Vm> {
    const maxPages = Math.max(1, Math.floor(this.memoryLimitBytes / 65536));
    const vm = await Vm.load(this, source, opts, {
      maxPages,
      loopLimit: this.loopLimit,
      maxModuleBytes: this.maxModuleBytes,
    });
    this.vms.push(vm);
    return vm;
  }

  /**
   * Runs tasks as workers racing each other (host/interleave.ts): task 0 runs until its VM is
   * about to write shared data (opts.switchBefore), then the next task runs to its end first, so
   * a compare-and-swap write in task 0 meets the other's write. Each task drives its own VM.
   */
  interleave<T>(tasks: readonly (() => T)[], opts?: InterleaveOptions): T[] {
    return interleave(this, tasks, opts);
  }

  // ---- time ---------------------------------------------------------------------------

  /**
   * Moves the clock forward, in time order: proxy_on_tick for every plugin context that set a
   * tick period (each as often as its period fits), and Envoy's 504 answer for every HTTP call
   * whose timeout (timeout_ms > 0) passes unanswered.
   */
  advanceTime(ms: number): void {
    // The clock only moves forward, and stays a u64 of nanoseconds.
    const left = Number(MAX_CLOCK_NS - this.now) / 1e6;
    const target = this.now + BigInt(Math.round(checkFinite("advanceTime(ms)", ms, 0, left) * 1e6));
    if (target > MAX_CLOCK_NS) throw new RangeError(`advanceTime(ms): the clock would pass 2^64 - 1 ns`);
    for (;;) {
      let next: Plugin | undefined;
      for (const vm of this.vms) {
        if (vm.failure) continue;
        for (const p of vm.plugins) {
          if (p.reachable && p.tickPeriodMs > 0 && p.nextTickAt <= target && (!next || p.nextTickAt < next.nextTickAt))
            next = p;
        }
      }
      let due: { token: number; at: bigint } | undefined;
      for (const [token, c] of this.calls.http) {
        if (c.deadline !== null && c.deadline <= target && (!due || c.deadline < due.at))
          due = { token, at: c.deadline };
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
}
