// One TCP connection through a network filter, as Envoy's Wasm network filter drives it
// (source/extensions/common/wasm/context.cc: onData, onWrite, onEvent, onCloseTCP). Data
// callbacks run for every chunk, even while paused; a paused direction keeps accumulating
// (data_size is cumulative) until the filter returns CONTINUE or, downstream only, calls
// proxy_continue_stream (Envoy answers UNIMPLEMENTED for upstream). The downstream close ends
// the context at once (on_done, on_log, on_delete); an upstream close that comes first is
// delivered and the context lives on until the downstream close. Upstream data with end of
// stream is followed by proxy_on_upstream_connection_close(UNKNOWN), as Envoy's onWrite does.
import { type Action, PeerType, type PeerTypeName, Status, StreamType } from "../wasm/abi.js";
import type { BufferRef } from "../vm/abi-context.js";
import { tcpAttribute } from "../state/attributes.js";
import { type BytesLike, concat, concatAll, EMPTY, text, toBytes } from "../wasm/bytes.js";
import { Context, type RootContext } from "./context.js";
import type { Found, PropertyPath, PropertyValue } from "../state/properties.js";

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
  private readonly owner: RootContext;
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
  private tcpProxyCluster: Uint8Array | undefined;

  /** @internal Plugin.newTcpStream creates connections. */
  constructor(plugin: RootContext) {
    super(plugin.vm, plugin.vm.allocContextId());
    this.owner = plugin;
    this.vm.contexts.set(this.id, this);
    this.vm.host.drive(() => this.vm.call("proxy_on_context_create", this, this.id, plugin.id));
  }

  get plugin(): RootContext {
    return this.owner;
  }

  private check(what: string): void {
    this.vm.assertUsable();
    if (this.completed) throw new Error(`${what}: connection ${this.id} is already complete`);
  }

  /** After the context ended Envoy no longer calls the filter: traffic and closes are dropped. */
  private gone(): boolean {
    this.vm.assertUsable();
    return this.completed;
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
      // Envoy's TCP proxy picks its cluster now, from filter state the filter may just have set.
      this.tcpProxyCluster = this.properties.lookup("filter_state\0envoy.tcp_proxy.cluster");
    }
  }

  /** Bytes from the client; returns the filter's action, or null once the context has ended. */
  downstreamData(data: BytesLike, endOfStream = false): Action | null {
    return this.data(this.down, "downstreamData", data, endOfStream);
  }

  /**
   * Bytes from the server; returns the filter's action, or null once the context has ended.
   * With endOfStream the filter then gets proxy_on_upstream_connection_close(UNKNOWN).
   */
  upstreamData(data: BytesLike, endOfStream = false): Action | null {
    return this.data(this.up, "upstreamData", data, endOfStream);
  }

  private data(f: Flow, what: string, data: BytesLike, eos: boolean): Action | null {
    if (this.gone()) return null;
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
      if (eos && f === this.up && !this.upstreamClosed) this.closeUpstreamSide(PeerType.UNKNOWN);
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
   * The client side closed (Envoy's connection event LocalClose/RemoteClose): the filter gets
   * proxy_on_downstream_connection_close, then the context ends (on_done, on_log, on_delete).
   * Ignored once the context has ended.
   */
  downstreamClose(peer: PeerTypeName | number = "remote"): void {
    if (this.gone()) return;
    this.vm.host.drive(() => this.closeDownstreamSide(peerNumber(peer)));
  }

  /**
   * The server side closed: the filter gets proxy_on_upstream_connection_close; the context
   * lives on until the downstream closes. Ignored once the context has ended.
   */
  upstreamClose(peer: PeerTypeName | number = "remote"): void {
    if (this.gone()) return;
    if (this.upstreamClosed) throw new Error("upstreamClose: already closed");
    this.vm.host.drive(() => this.closeUpstreamSide(peerNumber(peer)));
  }

  private closeDownstreamSide(peer: number): void {
    if (this.completed) return;
    this.downstreamClosed = true;
    this.vm.call("proxy_on_downstream_connection_close", this, this.id, peer);
    this.finish();
  }

  private closeUpstreamSide(peer: number): void {
    this.upstreamClosed = true;
    this.vm.call("proxy_on_upstream_connection_close", this, this.id, peer);
    if (this.downstreamClosed) this.finish();
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

  /** Outside its callback (and not paused) a data buffer reads as empty, as in Envoy. */
  buffer(type: number): BufferRef | null {
    if (type === 2) return this.down.live ? this.down.buf : TcpStream.NO_DATA;
    if (type === 3) return this.up.live ? this.up.buf : TcpStream.NO_DATA;
    return super.buffer(type);
  }

  /** Only the downstream (read) side can be resumed: Envoy's continueReading. */
  continueStream(type: number): number {
    if (type !== StreamType.DOWNSTREAM) return super.continueStream(type);
    const f = this.down;
    this.vm.host.schedule(() => {
      if (!f.paused || this.completed) return;
      f.resumedCount++;
      this.forward(f);
    });
    return Status.OK;
  }

  /**
   * The filter closes the connection (FlushWrite, after its callback). Closing the downstream
   * raises Envoy's LocalClose event, which ends the context; closing the upstream stops traffic.
   */
  closeStream(type: number): number {
    if (type === StreamType.DOWNSTREAM) {
      this.closed = true;
      this.vm.host.schedule(() => this.closeDownstreamSide(PeerType.LOCAL));
    } else if (type === StreamType.UPSTREAM) {
      this.closed = true;
    }
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

  /** Envoy's attributes of this connection (host/state/attributes.ts); the plugin's and Host's values fill the rest. */
  protected derivedProperty(key: string): Found {
    const size = (f: Flow) => f.forwarded.reduce((n, p) => n + p.length, 0);
    return tcpAttribute(
      key,
      {
        contextId: this.id,
        startNs: this.startNs,
        nowNs: this.vm.host.now,
        bytesReceived: size(this.down) + (this.down.live ? this.down.buf.data.length : 0),
        bytesSent: size(this.up),
        upstreamChosen: this.connected && !this.inNewConnection,
        tcpProxyCluster: this.tcpProxyCluster,
        complete: this.completed,
      },
      (k) => this.inheritedProperty(k),
    );
  }
}
