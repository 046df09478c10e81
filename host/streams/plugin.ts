// The plugin (root) context: configuration, ticks, and the place where HTTP/gRPC call
// results, queue notifications and foreign-function calls arrive (Envoy delivers them all on
// the root context id, whoever made the call).
import { LOG_LEVELS, Status } from "../wasm/abi.js";
import type { AbiPluginContext, BufferRef } from "../vm/abi-context.js";
import { pluginAttribute } from "../state/attributes.js";
import { type BytesLike, text, toBytes } from "../wasm/bytes.js";
import { Context } from "./context.js";
import { HttpStream } from "./http-stream.js";
import type { Pair } from "../wasm/pairs.js";
import type { Found, PropertyPath, PropertyValue } from "../state/properties.js";
import { TcpStream } from "./tcp-stream.js";
import type { VmInstance } from "../vm/vm-instance.js";

export interface PluginOptions {
  /** Envoy's root_id; Istio's WasmPlugin sets its own. Default "". */
  rootId?: string;
  /** PLUGIN_CONFIGURATION, read in proxy_on_configure. */
  configuration?: BytesLike;
  /** The plugin_name property. Defaults to rootId. */
  name?: string;
}

type State = "active" | "pending-done" | "deleted";

/** Log level error; critical is above it. */
const ERROR = LOG_LEVELS.indexOf("error");
/** How many of the start's error lines a failure quotes, and how much of each. */
const MAX_START_ERRORS = 3;
const MAX_QUOTE = 300;

export class Plugin extends Context implements AbiPluginContext {
  readonly rootId: string;
  readonly name: string;
  readonly configuration: Uint8Array;
  /** proxy_on_vm_start's result (true when the module doesn't export it). */
  vmStarted = false;
  /** proxy_on_configure's result (false also when on_vm_start failed). */
  configured = false;
  /**
   * The error and critical lines the filter logged while it started (on_vm_start, on_configure):
   * what the plugin said about why it failed, quoted by the error a stream of it throws.
   */
  readonly startErrors: string[] = [];
  tickPeriodMs = 0;
  nextTickAt = 0n;
  private state: State = "active";

  // Data of the callback being delivered, readable from any context of this plugin.
  configLive = false;
  callResponse: { headers: Pair[]; body: BufferRef; trailers: Pair[] } | null = null;
  grpcInitial: Pair[] | null = null;
  grpcTrailing: Pair[] | null = null;
  grpcMessage: BufferRef | null = null;
  foreignArgs: BufferRef | null = null;
  /** What proxy_get_status answers: (code, message) of the call being delivered. */
  status: [number, string] = [0, ""];

  /** @internal Vm.startPlugin creates plugins. */
  constructor(vm: VmInstance, opts: PluginOptions) {
    super(vm, vm.allocContextId());
    this.rootId = opts.rootId ?? "";
    this.name = opts.name ?? this.rootId;
    this.configuration = toBytes(opts.configuration).slice();
    vm.contexts.set(this.id, this);
  }

  get plugin(): Plugin {
    return this;
  }

  /** True once proxy_on_delete ran for this plugin context. */
  get deleted(): boolean {
    return this.state === "deleted";
  }

  start(): void {
    const vm = this.vm,
      host = vm.host;
    const tap = host.logTap;
    host.logTap = (level, message, vmId, contextId) => {
      tap?.(level, message, vmId, contextId);
      if (level >= ERROR && vmId === vm.vmId && contextId === this.id && this.startErrors.length < MAX_START_ERRORS) {
        this.startErrors.push(message.length > MAX_QUOTE ? `${message.slice(0, MAX_QUOTE)}...` : message);
      }
    };
    host.drive(() => {
      this.configLive = true;
      try {
        vm.call("proxy_on_context_create", this, this.id, 0);
        const started = vm.call("proxy_on_vm_start", this, this.id, vm.vmConfiguration.length);
        this.vmStarted = started === undefined || started !== 0;
        if (this.vmStarted) {
          const ok = vm.call("proxy_on_configure", this, this.id, this.configuration.length);
          this.configured = ok === undefined || ok !== 0;
        }
      } finally {
        this.configLive = false;
        host.logTap = tap;
      }
      // A plugin that failed to start gets no filter, but cpp-host keeps its root context (no
      // on_done/on_delete) until the VM is torn down; the VM's other plugins keep serving.
    });
  }

  /** Why the plugin has no filter: the callback that returned false and the errors it logged. */
  get startFailure(): string | null {
    if (this.configured) return null;
    const callback = this.vmStarted ? "proxy_on_configure" : "proxy_on_vm_start";
    const said =
      this.startErrors.length === 0
        ? " (it logged no error)"
        : `; it logged: ${this.startErrors.map((m) => JSON.stringify(m)).join(", ")}`;
    return `its ${callback} returned false${said}`;
  }

  private assertActive(what: string): void {
    this.vm.assertUsable();
    if (this.state !== "active") {
      throw new Error(`${what}: plugin context ${this.id} (root id "${this.rootId}") is gone: it was shut down`);
    }
  }

  /** Streams need a plugin that started: Envoy creates no filter for one that failed. */
  private assertServing(what: string): void {
    this.assertActive(what);
    if (!this.configured) {
      throw new Error(
        `${what}: plugin context ${this.id} (root id "${this.rootId}") has no filter: ${this.startFailure}`,
      );
    }
  }

  newHttpStream(): HttpStream {
    this.assertServing("newHttpStream");
    return new HttpStream(this);
  }

  newTcpStream(): TcpStream {
    this.assertServing("newTcpStream");
    return new TcpStream(this);
  }

  /** Calls proxy_on_tick now. Throws unless the filter set a tick period (Envoy would never tick it). */
  tick(): void {
    this.assertActive("tick");
    if (this.tickPeriodMs === 0) throw new Error(`tick: plugin context ${this.id} never set a tick period`);
    this.vm.host.drive(() => this.vm.call("proxy_on_tick", this, this.id));
  }

  setTickPeriod(ms: number): void {
    this.tickPeriodMs = ms;
    this.nextTickAt = this.vm.host.now + BigInt(ms) * 1_000_000n;
  }

  /**
   * Shuts the plugin context down as Envoy does when the plugin is removed (or, for one whose
   * configure failed, when its VM is torn down): proxy_on_done, then proxy_on_delete — unless
   * on_done returned false, in which case on_delete waits for proxy_done. Returns true when the
   * context was deleted now.
   */
  shutdown(): boolean {
    this.assertActive("shutdown");
    return this.vm.host.drive(() => this.shutdownNow());
  }

  private shutdownNow(): boolean {
    const done = this.vm.call("proxy_on_done", this, this.id);
    if (done === 0) {
      this.state = "pending-done";
      return false;
    }
    this.finish();
    return true;
  }

  private finish(): void {
    this.vm.call("proxy_on_delete", this, this.id);
    this.state = "deleted";
    this.vm.contexts.delete(this.id);
  }

  /** proxy_done from this context: completes a shutdown that on_done postponed. */
  done(): number {
    if (this.state !== "pending-done") return Status.NOT_FOUND;
    this.vm.host.schedule(() => this.finish());
    return Status.OK;
  }

  /** False when the plugin can no longer receive callbacks (deleted, or its VM failed). */
  get reachable(): boolean {
    return this.state !== "deleted" && !this.vm.failure;
  }

  deliverHttpResponse(token: number, res: { headers: Pair[]; body: Uint8Array; trailers: Pair[] } | null): void {
    this.callResponse = res && {
      headers: res.headers,
      body: { data: res.body, mutable: false },
      trailers: res.trailers,
    };
    this.status = res ? [0, ""] : [Status.BROKEN_CONNECTION, "reset"];
    try {
      const n = res ? [res.headers.length, res.body.length, res.trailers.length] : [0, 0, 0];
      this.vm.call("proxy_on_http_call_response", this, this.id, token, ...n);
    } finally {
      this.callResponse = null;
      this.status = [0, ""];
    }
  }

  deliverGrpcInitialMetadata(token: number, md: Pair[]): void {
    this.grpcInitial = md;
    try {
      this.vm.call("proxy_on_grpc_receive_initial_metadata", this, this.id, token, md.length);
    } finally {
      this.grpcInitial = null;
    }
  }

  deliverGrpcMessage(token: number, message: Uint8Array): void {
    this.grpcMessage = { data: message, mutable: false };
    try {
      this.vm.call("proxy_on_grpc_receive", this, this.id, token, message.length);
    } finally {
      this.grpcMessage = null;
    }
  }

  deliverGrpcTrailingMetadata(token: number, md: Pair[]): void {
    this.grpcTrailing = md;
    try {
      this.vm.call("proxy_on_grpc_receive_trailing_metadata", this, this.id, token, md.length);
    } finally {
      this.grpcTrailing = null;
    }
  }

  deliverGrpcClose(token: number, code: number, message: string): void {
    this.status = [code, message];
    try {
      this.vm.call("proxy_on_grpc_close", this, this.id, token, code);
    } finally {
      this.status = [0, ""];
    }
  }

  queueReady(token: number): void {
    if (!this.reachable) return;
    this.vm.host.drive(() => this.vm.call("proxy_on_queue_ready", this, this.id, token));
  }

  /** Calls proxy_on_foreign_function(root, functionId, size) with FOREIGN_FUNCTION_ARGUMENTS = args. */
  callForeignFunction(functionId: number, args: BytesLike = ""): void {
    this.assertActive("callForeignFunction");
    this.foreignArgs = { data: toBytes(args).slice(), mutable: false };
    try {
      const size = this.foreignArgs.data.length;
      this.vm.host.drive(() => this.vm.call("proxy_on_foreign_function", this, this.id, functionId, size));
    } finally {
      this.foreignArgs = null;
    }
  }

  /** A property only this plugin's contexts see (overrides the Host's). */
  setProperty(path: PropertyPath, value: PropertyValue | undefined): void {
    this.properties.set(path, value);
  }

  /** plugin_name, plugin_root_id, plugin_vm_id and the node (host/state/attributes.ts): all Envoy has without a stream. */
  protected derivedProperty(key: string): Found {
    return pluginAttribute(key, { name: this.name, rootId: this.rootId, vmId: this.vm.vmId }, (k) =>
      this.inheritedProperty(k),
    );
  }

  protected parentProperty(key: string): Found {
    return this.vm.host.properties.find(key);
  }

  /** Envoy has no stream info on a plugin context, so the filter cannot set properties there. */
  setPropertyFromFilter(): number {
    return Status.NOT_FOUND;
  }

  get configurationText(): string {
    return text(this.configuration);
  }
}
