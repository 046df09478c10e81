// One TCP connection through a network filter. Data callbacks run for every chunk, even while
// paused; a paused direction keeps accumulating (data_size is cumulative) until the filter
// returns CONTINUE or calls proxy_continue_stream. As in Envoy, closing the downstream side
// ends the context (on_done, on_log, on_delete); the upstream side does so only after it.
import { type Action, PeerType, type PeerTypeName, Status, StreamType } from "./abi.js";
import { type BytesLike, concat, concatAll, EMPTY, text, toBytes } from "./bytes.js";
import { tcpAttribute } from "./attributes.js";
import { type BufferRef, Context } from "./context.js";
import type { Plugin } from "./plugin.js";
import type { PropertyPath, PropertyValue } from "./properties.js";

class Flow {
  buf: BufferRef = { data: EMPTY, mutable: true };
  live = false;
  paused = false;
  resumedCount = 0;
  ended = false;
  forwarded: Uint8Array[] = [];
  constructor(readonly callback: string) {}
}

function peerNumber(p: PeerTypeName | number): number {
  return typeof p === "number" ? p : PeerType[p.toUpperCase() as keyof typeof PeerType];
}

export class TcpStream extends Context {
  private readonly owner: Plugin;
  private readonly down = new Flow("proxy_on_downstream_data");
  private readonly up = new Flow("proxy_on_upstream_data");
  connected = false;
  /** The filter closed the connection (proxy_close_stream DOWNSTREAM/UPSTREAM). */
  closed = false;
  downstreamClosed = false;
  upstreamClosed = false;
  completed = false;
  /** When the connection began (request.time). */
  readonly startNs: bigint = this.vm.host.now;
  private inNewConnection = false;

  constructor(plugin: Plugin) {
    super(plugin.vm, plugin.vm.allocContextId());
    this.owner = plugin;
    this.vm.contexts.set(this.id, this);
    this.vm.host.drive(() => this.vm.call("proxy_on_context_create", this, this.id, plugin.id));
  }

  get plugin(): Plugin {
    return this.owner;
  }

  private check(what: string): void {
    this.vm.assertUsable();
    if (this.completed) throw new Error(`${what}: connection ${this.id} is already complete`);
  }

  newConnection(): Action {
    this.check("newConnection");
    if (this.connected) throw new Error("newConnection: already connected");
    this.connected = true;
    this.inNewConnection = true;
    try {
      return this.vm.host.drive(() => (this.vm.call("proxy_on_new_connection", this, this.id) ?? 0) as Action);
    } finally {
      this.inNewConnection = false;
    }
  }

  /** Bytes from the client; returns the filter's action. */
  downstreamData(data: BytesLike, endOfStream = false): Action {
    return this.data(this.down, "downstreamData", data, endOfStream);
  }

  /** Bytes from the server; returns the filter's action. */
  upstreamData(data: BytesLike, endOfStream = false): Action {
    return this.data(this.up, "upstreamData", data, endOfStream);
  }

  private data(f: Flow, what: string, data: BytesLike, eos: boolean): Action {
    this.check(what);
    if (!this.connected) throw new Error(`${what}: call newConnection() first`);
    if (this.closed) throw new Error(`${what}: the filter closed the connection`);
    if (f.ended) throw new Error(`${what}: that direction already ended`);
    f.ended = eos;
    f.buf.data = concat(f.buf.data, toBytes(data));
    f.live = true;
    return this.vm.host.drive(() => {
      const a = (this.vm.call(f.callback, this, this.id, f.buf.data.length, eos ? 1 : 0) ?? 0) as Action;
      if (a === 0) this.forward(f);
      else f.paused = true;
      return a;
    });
  }

  private forward(f: Flow): void {
    if (this.vm.host.record) f.forwarded.push(f.buf.data);
    else f.forwarded = [f.buf.data];
    f.buf.data = EMPTY;
    f.live = false;
    f.paused = false;
  }

  /**
   * The client side closed. As in Envoy, the context ends once both sides have closed (the
   * upstream usually follows); `complete()` ends it sooner, as a connection error would.
   */
  downstreamClose(peer: PeerTypeName | number = "remote"): void {
    this.check("downstreamClose");
    if (this.downstreamClosed) throw new Error("downstreamClose: already closed");
    this.downstreamClosed = true;
    this.vm.host.drive(() => {
      this.vm.call("proxy_on_downstream_connection_close", this, this.id, peerNumber(peer));
      if (this.upstreamClosed) this.finish();
    });
  }

  upstreamClose(peer: PeerTypeName | number = "remote"): void {
    this.check("upstreamClose");
    if (this.upstreamClosed) throw new Error("upstreamClose: already closed");
    this.upstreamClosed = true;
    this.vm.host.drive(() => {
      this.vm.call("proxy_on_upstream_connection_close", this, this.id, peerNumber(peer));
      if (this.downstreamClosed) this.finish();
    });
  }

  /** Ends the context now (on_done, on_log, on_delete) if the closes did not already. */
  complete(): void {
    this.check("complete");
    this.vm.host.drive(() => this.finish());
  }

  private finish(): void {
    if (this.completed) return;
    this.completed = true;
    this.vm.call("proxy_on_done", this, this.id);
    this.vm.call("proxy_on_log", this, this.id);
    this.vm.call("proxy_on_delete", this, this.id);
    this.vm.contexts.delete(this.id);
  }

  buffer(type: number): BufferRef | null {
    if (type === 2) return this.down.live ? this.down.buf : null;
    if (type === 3) return this.up.live ? this.up.buf : null;
    return null;
  }

  continueStream(type: number): number {
    const f = type === StreamType.DOWNSTREAM ? this.down : type === StreamType.UPSTREAM ? this.up : null;
    if (f) {
      this.vm.host.schedule(() => {
        if (!f.paused || this.completed) return;
        f.resumedCount++;
        this.forward(f);
      });
    }
    return Status.OK;
  }

  closeStream(type: number): number {
    if (type === StreamType.DOWNSTREAM || type === StreamType.UPSTREAM) this.closed = true;
    return Status.OK;
  }

  /** Client bytes the filter let through to the upstream, as the filter left them. */
  get downstreamDataBytes(): Uint8Array {
    return concatAll(this.down.forwarded);
  }
  get downstreamDataText(): string {
    return text(this.downstreamDataBytes);
  }
  /** Server bytes the filter let through to the client. */
  get upstreamDataBytes(): Uint8Array {
    return concatAll(this.up.forwarded);
  }
  get upstreamDataText(): string {
    return text(this.upstreamDataBytes);
  }
  get pendingDownstreamData(): Uint8Array {
    return this.down.buf.data.slice();
  }
  get pendingUpstreamData(): Uint8Array {
    return this.up.buf.data.slice();
  }
  get downstreamPaused(): boolean {
    return this.down.paused;
  }
  get upstreamPaused(): boolean {
    return this.up.paused;
  }
  get downstreamResumedCount(): number {
    return this.down.resumedCount;
  }
  get upstreamResumedCount(): number {
    return this.up.resumedCount;
  }

  setProperty(path: PropertyPath, value: PropertyValue | undefined): void {
    this.properties.set(path, value);
  }

  /** Envoy's attributes of this connection (host/attributes.ts); the plugin's and Host's values fill the rest. */
  protected derivedProperty(key: string): Uint8Array | undefined {
    const size = (f: Flow) => f.forwarded.reduce((n, p) => n + p.length, 0);
    return tcpAttribute(key, {
      contextId: this.id,
      startNs: this.startNs,
      nowNs: this.vm.host.now,
      bytesReceived: size(this.down) + (this.down.live ? this.down.buf.data.length : 0),
      bytesSent: size(this.up),
      upstreamChosen: this.connected && !this.inNewConnection,
      complete: this.completed,
    }, (k) => this.parentProperty(k));
  }
}
