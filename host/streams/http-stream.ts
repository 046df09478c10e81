// One HTTP stream through the filter, driven as Envoy's filter manager (source/common/http/
// filter_manager.cc) and its Wasm context (source/extensions/common/wasm/context.cc) do:
// - a headers callback returning PAUSE stops everything behind it; body chunks that arrive
//   meanwhile are buffered and handed over as one chunk on resume, then any trailers (even when
//   that body callback pauses again: ActiveStreamFilterBase::commonContinue);
// - while a body callback returns PAUSE, chunks accumulate and body_size is cumulative; past the
//   buffer limit (per_connection_buffer_limit_bytes) the proxy answers 413 / 500 itself;
// - proxy_continue_stream takes effect after the running callback returns;
// - a map is there from its arrival until its callback returns CONTINUE (the context keeps a
//   pointer only while the stream waits on it); proxy_continue_stream drops the request's at once;
// - after proxy_send_local_response the request stops whatever the callback returns, and the
//   reply runs through this filter's response callbacks (sendLocalReplyViaFilterChain);
// - at the end Envoy logs first (proxy_on_log), then destroys the filter (on_done, on_delete).
import { type Action, Status, StreamType } from "../wasm/abi.js";
import type { BufferRef, LocalResponse } from "../vm/abi-context.js";
import { httpAttribute } from "../state/attributes.js";
import { type BytesLike, concat, concatAll, EMPTY, text, toBytes } from "../wasm/bytes.js";
import { Context, type RootContext } from "./context.js";
import { invalidRequestDetails, invalidRequestHeader } from "../wasm/header-validation.js";
import { addHeader, getHeader, normalizeHeaders, normalizeRequestHeaders } from "../wasm/headers.js";
import type { Pair, PairsInit } from "../wasm/pairs.js";
import type { Found, PropertyPath, PropertyValue } from "../state/properties.js";

type Phase = "headers" | "body" | "trailers";

class Side {
  headers: Pair[] | null = null;
  trailers: Pair[] | null = null;
  /** What the filter holds right now (current chunk, or everything buffered while paused). */
  body: BufferRef = { data: EMPTY, mutable: true };
  forwarded: Uint8Array[] = [];
  /** Envoy's context holds a pointer to the map / buffer (the filter may use it now). */
  headersLive = false;
  bodyLive = false;
  trailersLive = false;
  /** No more callbacks on this side (a local response ended the request, or a reset). */
  halted = false;
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
  private readonly owner: RootContext;
  private logPhase = false;
  /** Set when the filter called proxy_send_local_response. */
  localResponse: LocalResponse | null = null;
  /** The filter reset the stream (proxy_close_stream on HTTP_REQUEST/HTTP_RESPONSE). */
  reset = false;
  /** proxy_on_done/on_log/on_delete ran. */
  completed = false;
  /** When the stream began (request.time). */
  readonly startNs: bigint = this.vm.host.now;

  /** @internal Plugin.newHttpStream creates streams. */
  constructor(plugin: RootContext) {
    super(plugin.vm, plugin.vm.allocContextId());
    this.owner = plugin;
    this.vm.contexts.set(this.id, this);
    this.vm.host.drive(() => this.vm.call("proxy_on_context_create", this, this.id, plugin.id));
  }

  get plugin(): RootContext {
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

  /**
   * Ends the stream as Envoy does (ConnectionManagerImpl::doDeferredStreamDestroy): the access log
   * first, proxy_on_log (maps readable), then the filter's onDestroy: proxy_on_done, proxy_on_delete.
   */
  complete(): void {
    // A reset stream still ends in Envoy (log, done, delete): only a completed one cannot.
    this.vm.assertUsable();
    if (this.completed) throw new Error(`complete: stream ${this.id} is already complete`);
    this.vm.host.drive(() => {
      this.completed = true;
      this.logPhase = true;
      try {
        this.vm.call("proxy_on_log", this, this.id);
      } finally {
        this.logPhase = false;
      }
      this.vm.call("proxy_on_done", this, this.id);
      this.vm.call("proxy_on_delete", this, this.id);
      this.vm.contexts.delete(this.id);
    });
  }

  /** True while proxy_on_log runs: Envoy answers NOT_FOUND (not BAD_ARGUMENT) for a missing map then. */
  get inLogPhase(): boolean {
    return this.logPhase;
  }

  private check(what: string): void {
    this.vm.assertUsable();
    if (this.completed) throw new Error(`${what}: stream ${this.id} is already complete`);
    if (this.reset) throw new Error(`${what}: stream ${this.id} was reset by the filter`);
  }

  private headers(side: Side, init: PairsInit, eos: boolean): Action {
    const what = `${side.name}Headers`;
    this.check(what);
    if (side === this.res && this.localResponse)
      throw new Error(`${what}: the filter sent a local response; no upstream response arrives`);
    if (side.headersSeen) throw new Error(`${what}: ${side.name} headers were already delivered on stream ${this.id}`);
    if (side === this.res) {
      if (!this.req.headersForwarded)
        throw new Error(
          `${what}: the request headers never left the filter (paused), so there is no upstream response`,
        );
    }
    // Envoy's request map stores a legacy "host" as ":authority" (HeaderMapImpl's static table).
    side.headers = side === this.req ? normalizeRequestHeaders(init) : normalizeHeaders(init);
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
    if (side.halted) return null;
    const data = toBytes(chunk);
    // StopIterationAndBuffer: Envoy buffers, and past the limit answers for the filter
    // (FilterManager's requestDataTooLarge / responseDataTooLarge); the filter is not called.
    if (side.pausedAt === "body" && side.body.data.length + data.length > this.vm.host.bufferLimitBytes) {
      this.vm.host.drive(() => this.bufferOverflow(side));
      return null;
    }
    side.body.data = concat(side.body.data, data);
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
    if (side.halted) return null;
    if (side.pausedAt === "headers") {
      side.heldTrailers = true;
      return null;
    }
    side.trailersLive = true;
    return this.vm.host.drive(() => this.invoke(side, "trailers", side.trailers!.length));
  }

  private invoke(side: Side, phase: Phase, ...args: number[]): Action {
    const a = (this.vm.call(`proxy_on_${side.name}_${phase}`, this, this.id, ...args) ?? 0) as Action;
    if (side.halted || this.reset) return a;
    // cpp-host turns any non-zero result into a stop (StopAllIteration for headers).
    if (a !== 0) side.pausedAt = phase;
    else this.forward(side, phase, false);
    return a;
  }

  /**
   * The filter let `phase` through. Envoy drops its pointer to the map when the callback
   * returned CONTINUE (decodeHeaders/encodeHeaders...); a resumed response keeps it, as
   * Envoy's continueStream clears only the request's pointers.
   */
  private forward(side: Side, phase: Phase, resumed: boolean): void {
    const keep = resumed && side === this.res;
    if (phase === "headers") {
      if (!keep) side.headersLive = false;
      side.pausedAt = null;
      if (side === this.req && this.refusedUpstream()) return;
      side.headersForwarded = true;
    } else {
      if (phase === "trailers" && !keep) side.trailersLive = false;
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

  /**
   * Envoy's upstream codec refuses request headers with an invalid name or value (a filter
   * put NUL, CR or LF in one): the request never leaves, and the router answers 503 through
   * this filter's response callbacks (host/wasm/header-validation.ts).
   */
  private refusedUpstream(): boolean {
    const message = invalidRequestHeader(this.req.headers ?? []);
    if (message === null) return false;
    const body = new TextEncoder().encode(message);
    this.reply(
      { status: 503, body, bodyText: message, headers: [], grpcStatus: null, details: invalidRequestDetails(message) },
      false,
    );
    return true;
  }

  /** Applies a proxy_continue_stream (runs after the callback that asked for it). */
  private resume(side: Side): void {
    if (!side.pausedAt || side.halted || this.reset || this.completed || this.vm.failure) return;
    side.resumedCount++;
    const at = side.pausedAt;
    if (at !== "headers") return this.forward(side, at, true);
    this.forward(side, "headers", true);
    if (side.halted) return; // the router refused the request headers
    // commonContinue: the buffered body, then the trailers that had arrived before it, even when
    // the body callback pauses again.
    if (side.heldBody) {
      side.heldBody = false;
      side.bodyLive = true;
      const eos = side.endSeen && !side.heldTrailers ? 1 : 0;
      this.invoke(side, "body", side.body.data.length, eos);
      if (side.halted || this.reset) return;
    }
    if (side.heldTrailers) {
      side.heldTrailers = false;
      side.trailersLive = true;
      this.invoke(side, "trailers", side.trailers!.length);
    }
  }

  private stopAll(): void {
    for (const s of [this.req, this.res]) {
      s.halted = true;
      s.pausedAt = null;
    }
  }

  /** A paused body went past the buffer limit: 413 for a request, 500 (or a reset) for a response. */
  private bufferOverflow(side: Side): void {
    side.pausedAt = null;
    const request = side === this.req;
    const status = request ? 413 : 500;
    const body = request ? "Payload Too Large" : "Internal Server Error";
    this.reply(
      {
        status,
        body: new TextEncoder().encode(body),
        bodyText: body,
        headers: [],
        grpcStatus: null,
        details: request ? "request_payload_too_large" : "response_payload_too_large",
      },
      false,
    );
  }

  // ---- what the host functions see ----------------------------------------------------

  /**
   * Envoy's context points at a map from its arrival until its callback returns CONTINUE (or,
   * for the request, until proxy_continue_stream), so a filter reads request headers in a
   * response callback only while the request is still paused there. In proxy_on_log the reads
   * see the access log's maps (request headers, response headers and trailers).
   */
  headerMap(type: number, write: boolean): Pair[] | null {
    if (type > 3) return null;
    const side = type <= 1 ? this.req : this.res;
    const trailers = type % 2 === 1;
    if (this.logPhase && !write && type !== 1) return trailers ? side.trailers : side.headers;
    if (trailers) return side.trailersLive ? side.trailers : null;
    return side.headersLive ? side.headers : null;
  }

  /** Outside its callback a body reads as empty, as Envoy's buffer wrapper over no buffer does. */
  buffer(type: number): BufferRef | null {
    if (type === 0) return this.req.bodyLive ? this.req.body : Context.NO_DATA;
    if (type === 1) return this.res.bodyLive ? this.res.body : Context.NO_DATA;
    return super.buffer(type);
  }

  continueStream(type: number): number {
    if (type === StreamType.HTTP_REQUEST || type === StreamType.HTTP_RESPONSE) {
      const side = type === StreamType.HTTP_REQUEST ? this.req : this.res;
      // Envoy's continueStream forgets the request's header and trailer maps at once, for
      // either direction; the resume itself runs after the callback.
      this.req.headersLive = this.req.trailersLive = false;
      this.vm.host.schedule(() => this.resume(side));
      return Status.OK;
    }
    return super.continueStream(type);
  }

  closeStream(type: number): number {
    if (type === StreamType.HTTP_REQUEST || type === StreamType.HTTP_RESPONSE) {
      this.reset = true;
      this.stopAll();
    }
    return Status.OK;
  }

  sendLocalResponse(r: LocalResponse): void {
    if (this.completed || this.reset) return;
    this.reply(r, true);
  }

  /**
   * FilterManager::sendLocalReply: before any response, the reply runs through the encoder
   * filters, this one included (after the running callback, as the Wasm context defers it);
   * once a response arrived but has not left, it replaces it directly; after that, a reset.
   */
  private reply(r: LocalResponse, deferred: boolean): void {
    const res = this.res;
    if (res.headersForwarded) {
      this.reset = true;
      this.stopAll();
      return;
    }
    if (res.headersSeen) {
      this.localResponse = r;
      res.headers = localReplyHeaders(r);
      res.body.data = EMPTY;
      res.forwarded = r.body.length ? [r.body] : [];
      res.headersForwarded = true;
      this.stopAll();
      return;
    }
    this.localResponse = r;
    this.req.halted = true;
    this.req.pausedAt = null;
    if (deferred) this.vm.host.schedule(() => this.replyThroughFilter(r));
    else this.replyThroughFilter(r);
  }

  private replyThroughFilter(r: LocalResponse): void {
    const res = this.res;
    if (this.completed || this.reset || this.vm.failure || res.headersSeen) return;
    res.headers = localReplyHeaders(r);
    res.headersSeen = res.headersLive = res.endSeen = true;
    const eos = r.body.length === 0;
    if (!eos) res.body.data = r.body.slice();
    if (this.invoke(res, "headers", res.headers.length, eos ? 1 : 0) !== 0 || eos || res.halted || this.reset) {
      res.heldBody = !eos && res.pausedAt === "headers";
      return;
    }
    res.bodyLive = true;
    this.invoke(res, "body", res.body.data.length, 1);
  }

  /** Envoy's attributes of this stream (host/state/attributes.ts); the plugin's and Host's values fill the rest. */
  protected derivedProperty(key: string): Found {
    const { req, res } = this;
    const bodyBytes = (parts: Uint8Array[]) => parts.reduce((n, p) => n + p.length, 0);
    return httpAttribute(
      key,
      {
        contextId: this.id,
        startNs: this.startNs,
        nowNs: this.vm.host.now,
        // Envoy's attributes read the maps its context points at right now (or the access log's).
        requestHeaders: this.headerMap(0, false),
        responseHeaders: this.headerMap(2, false),
        responseTrailers: this.headerMap(3, false),
        responseStatus: res.headers ? getHeader(res.headers, ":status") : undefined,
        requestBodyBytes: bodyBytes(req.forwarded) + req.body.data.length,
        responseBodyBytes: bodyBytes(res.forwarded),
        requestForwarded: req.headersForwarded,
        upstreamResponded: res.headersSeen && !this.localResponse,
        localResponse: this.localResponse,
        reset: this.reset,
        complete: this.completed,
      },
      (k) => this.inheritedProperty(k),
    );
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
  /**
   * The forwarded request / response body as the chunks it went out in, without copying: serve
   * writes the new ones after each event (concatenating the whole body each time is quadratic).
   */
  get requestBodyChunks(): readonly Uint8Array[] {
    return this.req.forwarded;
  }
  get responseBodyChunks(): readonly Uint8Array[] {
    return this.res.forwarded;
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

/** Envoy's local reply: :status, the filter's headers, then length and type for a body. */
function localReplyHeaders(r: LocalResponse): Pair[] {
  const out: Pair[] = [[":status", String(r.status)]];
  for (const [k, v] of r.headers) addHeader(out, k, v);
  if (r.body.length > 0) {
    if (getHeader(out, "content-length") === undefined) addHeader(out, "content-length", String(r.body.length));
    if (getHeader(out, "content-type") === undefined) addHeader(out, "content-type", "text/plain");
  }
  return out;
}

function copy(map: Pair[] | null): Pair[] {
  return map ? map.map(([k, v]) => [k, v]) : [];
}
