// Fault injection: chosen host calls, or a seeded random share of them, answer with an error
// status instead of doing their work (a proxy under memory pressure, a host that lacks a
// feature, a map or buffer that is not there), and HTTP/gRPC calls can be settled as failures
// or timeouts. With no injector (the default) nothing here runs and the host behaves as Envoy.
// The Host installs the injector's `decide` as its host-call hook (proxy-state.ts), which the
// VM's host functions consult before running (imports.ts); the injector knows neither.
//
//   const host = new Host({ faults: { seed: 7, rate: 0.05 } });   // 5% of host calls fail
//   host.injectFaults({ calls: { proxy_get_buffer_bytes: [Status.NOT_FOUND] }, rate: 1 }); // buffers missing
//   host.faults!.failNext("proxy_http_call", Status.INTERNAL_FAILURE);                    // one chosen call
import { Status } from "./wasm/abi.js";
import { ENV_IMPORTS } from "./wasm/abi-table.js";
import type { BytesLike } from "./wasm/bytes.js";
import type { CallRegistry, HttpCallResponse } from "./state/calls.js";

export interface FaultOptions {
  /** Seed of the random draws (same seed, same calls, same faults). Default 1. */
  seed?: number;
  /** Share (0..1) of eligible host calls that fail. Default 0: only `failNext` faults. */
  rate?: number;
  /**
   * Host functions that may fail: a list of names (drawing from `statuses`), or names mapped to
   * the statuses each may answer. Default: every `env` function of the ABI but `proxy_log`.
   */
  calls?: readonly string[] | Readonly<Record<string, readonly number[]>>;
  /** Statuses drawn for a faulted call. Default NOT_FOUND, BAD_ARGUMENT, INTERNAL_FAILURE, UNIMPLEMENTED. */
  statuses?: readonly number[];
  /** Shares (0..1) of HTTP/gRPC calls that `settleHttpCall`/`settleGrpcCall` fail or time out. Default 0. */
  upstream?: { fail?: number; timeout?: number };
}

/** One injected fault. */
export interface FaultRecord {
  call: string;
  status: number;
  vmId: string;
  /** The context the call acted on (effective, else current); 0 outside any callback. */
  contextId: number;
}

/** How `settleHttpCall` / `settleGrpcCall` ended a call. */
export type CallFate = "answered" | "failed" | "timed-out" | "dropped";

export const DEFAULT_FAULT_STATUSES: readonly number[] = [
  Status.NOT_FOUND,
  Status.BAD_ARGUMENT,
  Status.INTERNAL_FAILURE,
  Status.UNIMPLEMENTED,
];

/** What settling a call needs of the Host: its pending calls and the ways to end one. */
export interface CallSettler {
  readonly calls: CallRegistry;
  respondHttpCall(token: number, res?: HttpCallResponse): boolean;
  failHttpCall(token: number): boolean;
  timeOutHttpCall(token: number): boolean;
  respondGrpcCall(token: number, message: BytesLike): boolean;
  failGrpcCall(token: number, status: number, message?: string): boolean;
  advanceTime(ms: number): void;
}

/** Most recent faults kept in `records` (the counters see them all). */
const KEEP_RECORDS = 10_000;

export class FaultInjector {
  readonly seed: number;
  rate: number;
  readonly statuses: readonly number[];
  /** Eligible host function → statuses it may answer. */
  readonly calls: ReadonlyMap<string, readonly number[]>;
  readonly upstream: { fail: number; timeout: number };
  /** False suspends injection (e.g. around the test's own set-up). */
  enabled = true;
  /** Faults injected so far, in all and per host function. */
  injected = 0;
  readonly byCall = new Map<string, number>();
  /** The most recent faults, oldest first (up to 10,000). */
  readonly records: FaultRecord[] = [];
  /** HTTP/gRPC calls settled as failures / timeouts. */
  upstreamFailures = 0;
  upstreamTimeouts = 0;
  private state: number;
  private readonly queued = new Map<string, number[]>();

  constructor(opts: FaultOptions = {}) {
    this.seed = opts.seed ?? 1;
    this.state = this.seed >>> 0 || 0x9e3779b9;
    this.rate = opts.rate ?? 0;
    this.statuses = opts.statuses ?? DEFAULT_FAULT_STATUSES;
    if (!(this.rate >= 0 && this.rate <= 1)) throw new Error(`faults: rate must be within 0..1, got ${opts.rate}`);
    if (this.statuses.length === 0) throw new Error("faults: statuses must not be empty");
    const calls = new Map<string, readonly number[]>();
    const names = opts.calls === undefined ? Object.keys(ENV_IMPORTS).filter((n) => n !== "proxy_log") : opts.calls;
    for (const [name, statuses] of Array.isArray(names)
      ? (names as readonly string[]).map((n) => [n, this.statuses] as const)
      : Object.entries(names as Record<string, readonly number[]>)) {
      if (!(name in ENV_IMPORTS)) throw new Error(`faults: ${name} is not a host function of ABI v0.2.1`);
      if (statuses.length === 0) throw new Error(`faults: no status given for ${name}`);
      calls.set(name, statuses);
    }
    this.calls = calls;
    this.upstream = { fail: opts.upstream?.fail ?? 0, timeout: opts.upstream?.timeout ?? 0 };
    if (this.upstream.fail < 0 || this.upstream.timeout < 0 || this.upstream.fail + this.upstream.timeout > 1) {
      throw new Error("faults: upstream.fail + upstream.timeout must be within 0..1");
    }
  }

  /** The next draw of the seeded generator, in [0, 1) (mulberry32). */
  random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Makes the next `times` calls of host function `call` answer `status`, whatever the rate. */
  failNext(call: string, status: number = Status.INTERNAL_FAILURE, times = 1): this {
    if (!(call in ENV_IMPORTS)) throw new Error(`faults: ${call} is not a host function of ABI v0.2.1`);
    const q = this.queued.get(call) ?? [];
    for (let i = 0; i < times; i++) q.push(status);
    this.queued.set(call, q);
    return this;
  }

  /** Faults injected into calls made on context `contextId` (among the kept records). */
  recordsFor(contextId: number): FaultRecord[] {
    return this.records.filter((r) => r.contextId === contextId);
  }

  /** Forgets the records and counters (the random sequence goes on). */
  reset(): void {
    this.injected = this.upstreamFailures = this.upstreamTimeouts = 0;
    this.byCall.clear();
    this.records.length = 0;
  }

  /**
   * @internal The status a host call answers instead of running, or undefined to run it.
   * contextId: the context the call acts on (effective, else current), 0 outside any callback.
   */
  decide(call: string, vmId: string, contextId: number): number | undefined {
    if (!this.enabled) return undefined;
    let status: number | undefined;
    const q = this.queued.get(call);
    if (q && q.length > 0) status = q.shift();
    else {
      const choices = this.calls.get(call);
      if (!choices || this.rate === 0 || this.random() >= this.rate) return undefined;
      status = choices[Math.floor(this.random() * choices.length)];
    }
    this.injected++;
    this.byCall.set(call, (this.byCall.get(call) ?? 0) + 1);
    if (this.records.length >= KEEP_RECORDS) this.records.shift();
    this.records.push({ call, status: status!, vmId, contextId });
    return status;
  }

  private fate(): "answered" | "failed" | "timed-out" {
    const r = this.random();
    if (r < this.upstream.fail) return "failed";
    if (r < this.upstream.fail + this.upstream.timeout) return "timed-out";
    return "answered";
  }

  /**
   * Settles a pending HTTP call: answered with `response`, or — by the `upstream` shares — failed
   * (`failHttpCall`: num_headers 0, status BROKEN_CONNECTION "reset") or timed out (the clock moves
   * to the call's deadline and Envoy's 504 "upstream request timeout" answer arrives). "dropped"
   * when the plugin that made the call is gone.
   */
  settleHttpCall(host: CallSettler, token: number, response: HttpCallResponse = {}): CallFate {
    const call = host.calls.http.get(token);
    if (!call) throw new Error(`no pending HTTP call with token ${token}`);
    const fate = this.fate();
    if (fate === "answered") return host.respondHttpCall(token, response) ? fate : "dropped";
    if (fate === "failed") {
      this.upstreamFailures++;
      return host.failHttpCall(token) ? fate : "dropped";
    }
    this.upstreamTimeouts++;
    host.advanceTime(call.view.timeoutMs); // fires the timeout when the call has one
    if (!host.calls.http.has(token)) return "timed-out";
    return host.timeOutHttpCall(token) ? fate : "dropped";
  }

  /**
   * Settles a pending unary gRPC call: answered with `message`, or failed (UNAVAILABLE, 14) or
   * timed out (the clock moves by its timeout, then DEADLINE_EXCEEDED, 4), by the `upstream` shares.
   */
  settleGrpcCall(host: CallSettler, token: number, message: BytesLike = ""): CallFate {
    const call = host.calls.grpc.get(token);
    if (!call) throw new Error(`no pending gRPC call with token ${token}`);
    const fate = this.fate();
    if (fate === "answered") return host.respondGrpcCall(token, message) ? fate : "dropped";
    if (fate === "failed") {
      this.upstreamFailures++;
      return host.failGrpcCall(token, 14, "upstream connect error") ? fate : "dropped";
    }
    this.upstreamTimeouts++;
    host.advanceTime(call.view.timeoutMs);
    if (!host.calls.grpc.has(token)) return "dropped";
    return host.failGrpcCall(token, 4, "deadline exceeded") ? fate : "dropped";
  }
}
