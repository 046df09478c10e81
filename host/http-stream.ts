// One HTTP stream through the filter, driven as Envoy's filter manager does:
// - a headers callback returning PAUSE stops everything behind it; body chunks that arrive
//   meanwhile are buffered and handed over as one chunk on resume;
// - while a body callback returns PAUSE, chunks accumulate and body_size is cumulative;
// - proxy_continue_stream takes effect after the running callback returns;
// - after proxy_send_local_response the stream stops whatever the callback returns.
import { type Action, Status, StreamType } from "./abi.js";
import { httpAttribute } from "./attributes.js";
import { type BytesLike, concat, concatAll, EMPTY, text, toBytes } from "./bytes.js";
import { type BufferRef, Context, type LocalResponse } from "./context.js";
import { getHeader, normalizeHeaders } from "./headers.js";
import type { Pair, PairsInit } from "./pairs.js";
import type { Plugin } from "./plugin.js";
import type { PropertyPath, PropertyValue } from "./properties.js";

type Phase = "headers" | "body" | "trailers";

class Side {
  headers: Pair[] | null = null;
  trailers: Pair[] | null = null;
  /** What the filter holds right now (current chunk, or everything buffered while paused). */
  body: BufferRef = { data: EMPTY, mutable: true };
  forwarded: Uint8Array[] = [];
  headersLive = false;
  bodyLive = false;
  trailersLive = false;
  pausedAt: Phase | null = null;
  resumedCount = 0;
  headersSeen = false;
  headersForwarded = false;
  endSeen = false;
  heldBody = false;
  heldTrailers = false;

  constructor(readonly name: "request" | "response") {}

  get bodyCallback(): string {
    return `proxy_on_${this.name}_body`;
  }
}

export interface HeadersOptions {
  endOfStream?: boolean;
}

export class HttpStream extends Context {
  private readonly req = new Side("request");
  private readonly res = new Side("response");
  private readonly owner: Plugin;
  private logPhase = false;
  private stopped = false;
  /** Set when the filter called proxy_send_local_response. */
  localResponse: LocalResponse | null = null;
  /** The filter reset the stream (proxy_close_stream on HTTP_REQUEST/HTTP_RESPONSE). */
  reset = false;
  /** proxy_on_done/on_log/on_delete ran. */
  completed = false;
  /** When the stream began (request.time). */
  readonly startNs: bigint = this.vm.host.now;

  constructor(plugin: Plugin) {
    super(plugin.vm, plugin.vm.allocContextId());
    this.owner = plugin;
    this.vm.contexts.set(this.id, this);
    this.vm.host.drive(() => this.vm.call("proxy_on_context_create", this, this.id, plugin.id));
  }

  get plugin(): Plugin {
    return this.owner;
  }

  // ---- driving the stream -------------------------------------------------------------

  /** Delivers request headers; returns the filter's action. */
  requestHeaders(headers: PairsInit, opts: HeadersOptions = {}): Action {
    return this.headers(this.req, headers, opts.endOfStream ?? false);
  }

  /** Delivers a request body chunk; null when the filter was not called (held behind a pause, or stopped). */
  requestBody(chunk: BytesLike, endOfStream = false): Action | null {
    return this.body(this.req, chunk, endOfStream);
  }

  requestTrailers(trailers: PairsInit): Action | null {
    return this.trailers(this.req, trailers);
  }

  responseHeaders(headers: PairsInit, opts: HeadersOptions = {}): Action {
    return this.headers(this.res, headers, opts.endOfStream ?? false);
  }

  responseBody(chunk: BytesLike, endOfStream = false): Action | null {
    return this.body(this.res, chunk, endOfStream);
  }

  responseTrailers(trailers: PairsInit): Action | null {
    return this.trailers(this.res, trailers);
  }

  /** Ends the stream as Envoy does: proxy_on_done, proxy_on_log (maps readable), proxy_on_delete. */
  complete(): void {
    // A reset stream still ends in Envoy (done, log, delete): only a completed one cannot.
    this.vm.assertUsable();
    if (this.completed) throw new Error(`complete: stream ${this.id} is already complete`);
    this.vm.host.drive(() => {
      this.completed = true;
      this.vm.call("proxy_on_done", this, this.id);
      this.logPhase = true;
      try {
        this.vm.call("proxy_on_log", this, this.id);
      } finally {
        this.logPhase = false;
      }
      this.vm.call("proxy_on_delete", this, this.id);
      this.vm.contexts.delete(this.id);
    });
  }

  private check(what: string): void {
    this.vm.assertUsable();
    if (this.completed) throw new Error(`${what}: stream ${this.id} is already complete`);
    if (this.reset) throw new Error(`${what}: stream ${this.id} was reset by the filter`);
  }

  private headers(side: Side, init: PairsInit, eos: boolean): Action {
    const what = `${side.name}Headers`;
    this.check(what);
    if (side.headersSeen) throw new Error(`${what}: ${side.name} headers were already delivered on stream ${this.id}`);
    if (side === this.res) {
      if (this.localResponse) throw new Error(`${what}: the filter sent a local response; no upstream response arrives`);
      if (!this.req.headersForwarded) throw new Error(`${what}: the request headers never left the filter (paused), so there is no upstream response`);
    }
    side.headers = normalizeHeaders(init);
    side.headersSeen = true;
    side.endSeen = eos;
    side.headersLive = true;
    return this.vm.host.drive(() => this.invoke(side, "headers", side.headers!.length, eos ? 1 : 0));
  }

  private body(side: Side, chunk: BytesLike, eos: boolean): Action | null {
    const what = `${side.name}Body`;
    this.check(what);
    if (!side.headersSeen) throw new Error(`${what}: ${side.name} headers must come first`);
    if (side.endSeen) throw new Error(`${what}: the ${side.name} already ended`);
    side.endSeen = eos;
    if (this.stopped) return null;
    side.body.data = concat(side.body.data, toBytes(chunk));
    if (side.pausedAt === "headers") {
      side.heldBody = true;
      return null;
    }
    side.bodyLive = true;
    return this.vm.host.drive(() => this.invoke(side, "body", side.body.data.length, eos ? 1 : 0));
  }

  private trailers(side: Side, init: PairsInit): Action | null {
    const what = `${side.name}Trailers`;
    this.check(what);
    if (!side.headersSeen) throw new Error(`${what}: ${side.name} headers must come first`);
    if (side.endSeen) throw new Error(`${what}: the ${side.name} already ended`);
    side.trailers = normalizeHeaders(init);
    side.endSeen = true;
    if (this.stopped) return null;
    if (side.pausedAt === "headers") {
      side.heldTrailers = true;
      return null;
    }
    side.trailersLive = true;
    return this.vm.host.drive(() => this.invoke(side, "trailers", side.trailers!.length));
  }

  private invoke(side: Side, phase: Phase, ...args: number[]): Action {
    const a = (this.vm.call(`proxy_on_${side.name}_${phase}`, this, this.id, ...args) ?? 0) as Action;
    if (this.stopped || this.reset) return a;
    // cpp-host turns any non-zero result into a stop (StopAllIteration for headers).
    if (a !== 0) side.pausedAt = phase;
    else this.forward(side, phase);
    return a;
  }

  private forward(side: Side, phase: Phase): void {
    if (phase === "headers") {
      side.headersLive = false;
      side.headersForwarded = true;
    } else {
      if (phase === "trailers") side.trailersLive = false;
      if (side.bodyLive || phase === "body") {
        const data = side.body.data;
        if (this.vm.host.record) side.forwarded.push(data);
        else side.forwarded = [data];
        side.body.data = EMPTY;
        side.bodyLive = false;
      }
    }
    side.pausedAt = null;
  }

  /** Applies a proxy_continue_stream (runs after the callback that asked for it). */
  private resume(side: Side): void {
    if (!side.pausedAt || this.stopped || this.reset || this.completed || this.vm.failure) return;
    side.resumedCount++;
    const at = side.pausedAt;
    if (at !== "headers") return this.forward(side, at);
    this.forward(side, "headers");
    if (side.heldBody) {
      side.heldBody = false;
      side.bodyLive = true;
      const eos = side.endSeen && !side.heldTrailers ? 1 : 0;
      if (this.invoke(side, "body", side.body.data.length, eos) !== 0 || this.stopped) return;
    }
    if (side.heldTrailers) {
      side.heldTrailers = false;
      side.trailersLive = true;
      this.invoke(side, "trailers", side.trailers!.length);
    }
  }

  private stopAll(): void {
    this.stopped = true;
    for (const s of [this.req, this.res]) {
      s.headersLive = s.bodyLive = s.trailersLive = false;
      s.pausedAt = null;
    }
  }

  // ---- what the host functions see ----------------------------------------------------

  /**
   * Envoy keeps a pointer to each map from the moment it arrives until the stream ends, so a
   * filter may read (and change) request headers in a response callback or a call answer; a
   * change after the map went out has no effect on the wire. Only a map that has not arrived
   * yet is missing (BAD_ARGUMENT); in proxy_on_log the maps are the access log's, read-only.
   */
  headerMap(type: number, write: boolean): Pair[] | null {
    if (type > 3 || (this.logPhase && write)) return null;
    const side = type <= 1 ? this.req : this.res;
    return type % 2 === 0 ? side.headers : side.trailers;
  }

  buffer(type: number): BufferRef | null {
    if (type === 0) return this.req.bodyLive ? this.req.body : null;
    if (type === 1) return this.res.bodyLive ? this.res.body : null;
    return null;
  }

  continueStream(type: number): number {
    if (type === StreamType.HTTP_REQUEST || type === StreamType.HTTP_RESPONSE) {
      const side = type === StreamType.HTTP_REQUEST ? this.req : this.res;
      this.vm.host.schedule(() => this.resume(side));
    }
    return Status.OK;
  }

  closeStream(type: number): number {
    if (type === StreamType.HTTP_REQUEST || type === StreamType.HTTP_RESPONSE) {
      this.reset = true;
      this.stopAll();
    }
    return Status.OK;
  }

  sendLocalResponse(r: LocalResponse): void {
    if (this.completed || this.stopped) return;
    if (this.res.headersForwarded) {
      // Too late for a response: Envoy resets the stream.
      this.reset = true;
      this.stopAll();
      return;
    }
    this.localResponse = r;
    if (!this.res.headersSeen) this.res.headers = [[":status", String(r.status)], ...r.headers];
    this.stopAll();
  }

  /** Envoy's attributes of this stream (host/attributes.ts); the plugin's and Host's values fill the rest. */
  protected derivedProperty(key: string): Uint8Array | undefined {
    const { req, res } = this;
    const bodyBytes = (parts: Uint8Array[]) => parts.reduce((n, p) => n + p.length, 0);
    return httpAttribute(key, {
      contextId: this.id,
      startNs: this.startNs,
      nowNs: this.vm.host.now,
      requestHeaders: req.headers,
      responseHeaders: res.headers,
      responseTrailers: res.trailers,
      requestBodyBytes: bodyBytes(req.forwarded) + req.body.data.length,
      responseBodyBytes: bodyBytes(res.forwarded),
      requestForwarded: req.headersForwarded,
      upstreamResponded: res.headersSeen && !this.localResponse,
      localResponse: this.localResponse,
      reset: this.reset,
      complete: this.completed,
    }, (k) => this.parentProperty(k));
  }

  // ---- what the test reads --------------------------------------------------------------

  /** Request headers as the filter left them (lower-case names, duplicates kept). */
  get requestHeadersMap(): Pair[] {
    return copy(this.req.headers);
  }
  get requestTrailersMap(): Pair[] {
    return copy(this.req.trailers);
  }
  get responseHeadersMap(): Pair[] {
    return copy(this.res.headers);
  }
  get responseTrailersMap(): Pair[] {
    return copy(this.res.trailers);
  }
  requestHeader(name: string): string | undefined {
    return this.req.headers ? getHeader(this.req.headers, name) : undefined;
  }
  responseHeader(name: string): string | undefined {
    return this.res.headers ? getHeader(this.res.headers, name) : undefined;
  }

  /** Request body the filter let through (forwarded upstream), as the filter left it. */
  get requestBodyBytes(): Uint8Array {
    return concatAll(this.req.forwarded);
  }
  get requestBodyText(): string {
    return text(this.requestBodyBytes);
  }
  /** Request body held in the filter (buffered behind a pause), not yet forwarded. */
  get pendingRequestBody(): Uint8Array {
    return this.req.body.data.slice();
  }
  get responseBodyBytes(): Uint8Array {
    return concatAll(this.res.forwarded);
  }
  get responseBodyText(): string {
    return text(this.responseBodyBytes);
  }
  get pendingResponseBody(): Uint8Array {
    return this.res.body.data.slice();
  }

  get requestPaused(): boolean {
    return this.req.pausedAt !== null;
  }
  get responsePaused(): boolean {
    return this.res.pausedAt !== null;
  }
  /** Either direction is paused. */
  get paused(): boolean {
    return this.requestPaused || this.responsePaused;
  }
  /** How many times proxy_continue_stream resumed a paused request / response. */
  get requestResumedCount(): number {
    return this.req.resumedCount;
  }
  get responseResumedCount(): number {
    return this.res.resumedCount;
  }
  /** Request headers went upstream (were not held by the filter). */
  get requestHeadersForwarded(): boolean {
    return this.req.headersForwarded;
  }
  get responseHeadersForwarded(): boolean {
    return this.res.headersForwarded;
  }

  /** A property only this stream sees (e.g. source.address); overrides plugin and Host values. */
  setProperty(path: PropertyPath, value: PropertyValue | undefined): void {
    this.properties.set(path, value);
  }
}

function copy(map: Pair[] | null): Pair[] {
  return map ? map.map(([k, v]) => [k, v]) : [];
}
