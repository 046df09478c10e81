// The VM and its contexts as the ABI's host functions see them. The host functions (env-*.ts,
// wasi.ts) are written against these interfaces; vm-instance.ts implements AbiVm, and the
// contexts above it (context.ts, plugin.ts, http-stream.ts, tcp-stream.ts) implement
// AbiContext and AbiPluginContext. Keeping the contract here lets every import point down.
import type { CallReceiver } from "../state/calls.js";
import type { ForeignCallContext } from "../state/foreign-functions.js";
import type { LoopBudget } from "../wasm/loop-limit.js";
import type { WasmMemory } from "../wasm/memory.js";
import type { Pair } from "../wasm/pairs.js";
import type { ProxyState } from "../state/proxy-state.js";

/** A buffer the filter may read (and, when mutable, change) right now. */
export interface BufferRef {
  data: Uint8Array;
  readonly mutable: boolean;
}

/** Envoy's buffer wrapper around no buffer: size 0, and writes answer BAD_ARGUMENT. */
export const NO_DATA: BufferRef = Object.freeze({ data: new Uint8Array(0), mutable: false });

export interface LocalResponse {
  status: number;
  details: string;
  body: Uint8Array;
  bodyText: string;
  headers: Pair[];
  /** null when the filter passed -1 (no gRPC status). */
  grpcStatus: number | null;
}

/** What every context (plugin/root, HTTP stream, TCP stream) answers to the host functions. */
export interface AbiContext extends ForeignCallContext {
  readonly id: number;
  /** The plugin (root) context this context belongs to (itself for a plugin). */
  readonly plugin: AbiPluginContext;
  /** The HTTP header/trailer map of this stream, if the filter may read (write=false) or change it now. */
  headerMap(type: number, write: boolean): Pair[] | null;
  /** A stream buffer (body or TCP data) if the filter may use it now; empty when there is none. */
  buffer(type: number): BufferRef | null;
  /** True while proxy_on_log runs on this context (a missing map is NOT_FOUND then). */
  readonly inLogPhase: boolean;
  continueStream(type: number): number;
  closeStream(type: number): number;
  sendLocalResponse(response: LocalResponse): void;
  lookupProperty(key: string): Uint8Array | undefined;
  /** proxy_set_property; the status the filter gets. */
  setPropertyFromFilter(key: string, value: Uint8Array): number;
  /** proxy_done; the status the filter gets (only a plugin context shutting down accepts it). */
  done(): number;
}

/** What a plugin (root) context also answers: the data of the callback being delivered to it. */
export interface AbiPluginContext extends AbiContext, CallReceiver {
  readonly configuration: Uint8Array;
  /** True while proxy_on_vm_start / proxy_on_configure run (PLUGIN_CONFIGURATION is readable). */
  readonly configLive: boolean;
  readonly callResponse: { headers: Pair[]; body: BufferRef; trailers: Pair[] } | null;
  readonly grpcInitial: Pair[] | null;
  readonly grpcTrailing: Pair[] | null;
  readonly grpcMessage: BufferRef | null;
  readonly foreignArgs: BufferRef | null;
  /** What proxy_get_status answers: (code, message) of the call being delivered. */
  readonly status: [number, string];
  setTickPeriod(ms: number): void;
  /** proxy_on_queue_ready for a queue this plugin registered. */
  queueReady(token: number): void;
}

/** The loaded module as its host functions see it. */
export interface AbiVm {
  readonly vmId: string;
  readonly vmConfiguration: Uint8Array;
  /** The proxy-wide state this VM shares with the others of its Host. */
  readonly host: ProxyState;
  readonly memory: WasmMemory;
  readonly contexts: ReadonlyMap<number, AbiContext>;
  /** True while _initialize/_start/main run: only proxy_log and WASI are allowed then. */
  readonly initializing: boolean;
  readonly loopBudget: LoopBudget | null;
  /** Set by proxy_set_effective_context. */
  effective: AbiContext | null;
  /** The context host functions act on: the effective one if set (and still alive), else the current. */
  ctx(): AbiContext;
  /** That context's id, or 0 outside any callback. */
  contextId(): number;
  /** A filter's log line (proxy_log, WASI stdout/stderr). */
  log(level: number, message: string): void;
}
