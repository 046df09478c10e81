// The proxy side of `serve`: each client request becomes one HttpStream in the emulator,
// driven as Envoy's HTTP connection manager drives a filter, and whatever the filter lets
// through (headers, body bytes, trailers) goes to the real upstream and back.
//
// After every event (client data, upstream data, a call answer, a tick) `pump` compares what
// the stream has forwarded with what was already written and writes the difference: a paused
// request is simply one whose forwarded state does not move until the filter resumes it.
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { HttpStream, Plugin, Vm } from "../../host/index.js";
import type { Io } from "../io.js";
import type { ServeOptions } from "./args.js";
import { setConnectionProperties } from "./properties.js";
import { type FilterRuntime, oneLine, stamp } from "./filter.js";
import { HOP_BY_HOP, WIRE_ONLY } from "./hop-by-hop.js";
import { unsendableHeader } from "./unsendable.js";

type Pair = [string, string];

/** What Envoy answers when the VM fails during a stream (fail closed: wasm_fail_stream). */
export const FILTER_FAILURE_STATUS = 503;
/** What Envoy answers when the upstream cannot be reached (response flag UF). */
export const UPSTREAM_FAILURE_STATUS = 503;
/** What Envoy's router answers when the route timeout fires before the response (response flag UT). */
export const UPSTREAM_TIMEOUT_STATUS = 504;

class Exchange {
  stream: HttpStream | null = null;
  upReq: http.ClientRequest | null = null;
  upRes: http.IncomingMessage | null = null;
  /** Request body chunks already written to the upstream; response chunks and bytes to the client. */
  reqChunks = 0;
  resChunks = 0;
  resSent = 0;
  /** The end of the request/response was handed to the filter (eos headers, last chunk or trailers). */
  reqEndDelivered = false;
  resEndDelivered = false;
  upReqEnded = false;
  upstreamEnded = false;
  /** A response (upstream's or the router's 503) is going through the filter. */
  resStarted = false;
  /** content-length the client was promised (null: chunked). */
  resLength: number | null = null;
  headWritten = false;
  done = false;
  status = 0;
  note = "";
  readonly started = Date.now();
  /** The route timeout (--upstream-timeout), from the end of the request to the end of the response. */
  upstreamTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly req: http.IncomingMessage,
    readonly res: http.ServerResponse,
  ) {}
}

export class HttpProxy {
  readonly server: http.Server;
  private readonly active = new Set<Exchange>();
  private readonly agent = new http.Agent({ keepAlive: true });

  constructor(
    private readonly rt: FilterRuntime,
    private readonly opts: ServeOptions,
    private readonly io: Io,
  ) {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((e) => this.io.err(`${stamp()} [serve] internal error: ${oneLine(e)}\n`));
    });
    rt.onActivity = () => this.pumpAll();
    rt.onTrap = (vm) => this.failVm(vm);
  }

  pumpAll(): void {
    for (const ex of [...this.active]) this.pump(ex);
  }

  close(): void {
    for (const ex of [...this.active]) {
      if (ex.upstreamTimer) clearTimeout(ex.upstreamTimer);
      ex.upReq?.destroy();
      ex.res.destroy();
      ex.done = true;
    }
    this.active.clear();
    this.agent.destroy();
    this.server.closeAllConnections();
  }

  // ---- one request ------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const ex = new Exchange(req, res);
    this.active.add(ex);
    res.on("close", () => {
      if (!ex.done) this.abandon(ex, "client went away");
    });
    const target = requestTarget(req);
    if (!target) return this.failLocal(ex, 400, "http/1.1 protocol error: invalid url in request line");
    let plugin: Plugin;
    try {
      plugin = await this.rt.ready();
    } catch (e) {
      return this.failLocal(ex, FILTER_FAILURE_STATUS, `filter unavailable: ${oneLine(e)}`);
    }
    if (ex.done) return;
    const contentLength =
      req.headers["content-length"] === undefined ? undefined : Number(req.headers["content-length"]);
    const hasBody =
      req.headers["transfer-encoding"] !== undefined || (contentLength !== undefined && contentLength > 0);
    let received = 0;
    if (
      !this.step(ex, () => {
        this.rt.syncClock();
        const s = plugin.newHttpStream();
        ex.stream = s;
        s.setProperty("request.protocol", `HTTP/${req.httpVersion}`);
        s.setProperty("request.time", BigInt(Date.now()) * 1_000_000n);
        setConnectionProperties(s, req.socket, this.opts.properties);
        ex.reqEndDelivered = !hasBody;
        s.requestHeaders(this.requestHeaders(req, target), { endOfStream: !hasBody });
      })
    )
      return;
    req.on("data", (chunk: Buffer) => {
      if (ex.done || ex.reqEndDelivered) return;
      received += chunk.length;
      const last = contentLength !== undefined && received >= contentLength;
      if (last) ex.reqEndDelivered = true;
      this.step(ex, () => ex.stream!.requestBody(chunk, last));
    });
    req.on("end", () => {
      if (ex.done || ex.reqEndDelivered) return this.pump(ex);
      ex.reqEndDelivered = true;
      const trailers = pairs(req.rawTrailers);
      this.step(ex, () =>
        trailers.length > 0 ? ex.stream!.requestTrailers(trailers) : ex.stream!.requestBody(new Uint8Array(0), true),
      );
    });
  }

  /** The request headers as Envoy's connection manager hands them to filters. */
  private requestHeaders(req: http.IncomingMessage, target: RequestTarget): Pair[] {
    const raw = pairs(req.rawHeaders);
    const authority = target.authority ?? raw.find(([k]) => k === "host")?.[1] ?? "";
    const out: Pair[] = [
      [":authority", authority],
      [":path", target.path],
      [":method", req.method ?? "GET"],
      [":scheme", target.scheme],
    ];
    for (const [k, v] of raw) if (k !== "host" && !HOP_BY_HOP.has(k)) out.push([k, v]);
    if (!out.some(([k]) => k === "x-forwarded-proto")) out.push(["x-forwarded-proto", "http"]);
    if (!out.some(([k]) => k === "x-request-id")) out.push(["x-request-id", randomUUID()]);
    return out;
  }

  /** Runs filter code for this exchange, then moves it on; false when the exchange ended. */
  private step(ex: Exchange, fn: () => void): boolean {
    try {
      this.rt.run(fn);
    } catch (e) {
      // A trap already failed every stream of the VM (onTrap); anything else is ours.
      if (!ex.done) this.failLocal(ex, 500, `internal error: ${oneLine(e)}`);
      return false;
    }
    this.pump(ex);
    return !ex.done;
  }

  /** Writes whatever the filter let through since the last call; a failure of ours fails only this exchange. */
  private pump(ex: Exchange): void {
    try {
      this.move(ex);
    } catch (e) {
      if (!ex.done) this.failLocal(ex, 500, `internal error: ${oneLine(e)}`);
    }
  }

  private move(ex: Exchange): void {
    const s = ex.stream;
    if (ex.done || !s) return;
    if (s.localResponse && !ex.headWritten) return this.sendLocal(ex);
    if (s.reset) return this.reset(ex, "the filter reset the stream");
    // request → upstream
    if (s.requestHeadersForwarded && !ex.upReq) {
      const bad = unsendableHeader(s.requestHeadersMap);
      if (bad) return this.filterHeaderFailure(ex, "request", bad);
      this.startUpstream(ex);
    }
    if (ex.upReq && !ex.upReqEnded) {
      ex.reqChunks = writeNewChunks(s.requestBodyChunks, ex.reqChunks, (c) => ex.upReq!.write(c));
      if (ex.reqEndDelivered && !s.requestPaused) {
        const trailers = s.requestTrailersMap;
        if (trailers.length > 0) ex.upReq.addTrailers(trailers);
        ex.upReqEnded = true;
        ex.upReq.end();
        this.startUpstreamTimer(ex);
      }
    }
    // response → client
    if (!ex.resStarted) return;
    if (s.responseHeadersForwarded && !ex.headWritten) {
      const headers = s.responseHeadersMap;
      const bad = unsendableHeader(headers);
      if (bad) return this.filterHeaderFailure(ex, "response", bad);
      ex.status = Number(headers.find(([k]) => k === ":status")?.[1] ?? 200);
      const length = headers.find(([k]) => k === "content-length")?.[1];
      ex.resLength = length === undefined ? null : Number(length);
      try {
        ex.res.writeHead(ex.status, headers.filter(([k]) => !k.startsWith(":") && !WIRE_ONLY.has(k)).flat());
      } catch (e) {
        return this.reset(ex, `bad response headers from the filter: ${oneLine(e)}`);
      }
      ex.headWritten = true;
    }
    if (!ex.headWritten) return;
    try {
      ex.resChunks = writeNewChunks(s.responseBodyChunks, ex.resChunks, (c) => {
        ex.res.write(c);
        ex.resSent += c.length;
      });
      if (ex.upstreamEnded && ex.resEndDelivered && !s.responsePaused) {
        const trailers = s.responseTrailersMap;
        if (trailers.length > 0 && ex.resLength === null) ex.res.addTrailers(trailers);
        if (ex.resLength !== null && ex.resLength !== ex.resSent) {
          this.io.err(
            `${stamp()} [serve] ${ex.req.method} ${ex.req.url}: the response body is ${ex.resSent} bytes but its content-length says ${ex.resLength}: a filter that changes a body must remove content-length\n`,
          );
        }
        ex.res.end();
        this.finish(ex);
      }
    } catch (e) {
      this.reset(ex, oneLine(e));
    }
  }

  private startUpstream(ex: Exchange): void {
    const s = ex.stream!;
    const headers = s.requestHeadersMap;
    const get = (name: string) => headers.find(([k]) => k === name)?.[1];
    const out: Pair[] = [["host", get(":authority") ?? this.opts.upstream.host]];
    for (const [k, v] of headers) if (!k.startsWith(":") && !WIRE_ONLY.has(k) && k !== "host") out.push([k, v]);
    const up = this.opts.upstream;
    const base = up.pathname === "/" ? "" : up.pathname.replace(/\/$/, "");
    const req = http.request({
      hostname: up.hostname,
      port: up.port || 80,
      method: get(":method") ?? "GET",
      path: base + (get(":path") ?? "/"),
      headers: out.flat(),
      setHost: false,
      agent: this.agent,
    });
    ex.upReq = req;
    req.on("error", (e) => {
      if (ex.done || (ex.resStarted && !ex.upRes)) return;
      if (ex.upRes) return this.reset(ex, `upstream failed mid-response: ${oneLine(e)}`);
      this.upstreamFailure(ex, (e as NodeJS.ErrnoException).code ?? e.message);
    });
    req.on("response", (res) => this.onUpstreamResponse(ex, res));
  }

  private onUpstreamResponse(ex: Exchange, res: http.IncomingMessage): void {
    if (ex.done) return void res.resume();
    ex.upRes = res;
    ex.resStarted = true;
    const status = res.statusCode ?? 502;
    const headers: Pair[] = [[":status", String(status)], ...pairs(res.rawHeaders).filter(([k]) => !HOP_BY_HOP.has(k))];
    const contentLength =
      res.headers["content-length"] === undefined ? undefined : Number(res.headers["content-length"]);
    const method = ex.stream!.requestHeadersMap.find(([k]) => k === ":method")?.[1];
    const noBody =
      method === "HEAD" ||
      status === 204 ||
      status === 304 ||
      (contentLength === 0 && res.headers["transfer-encoding"] === undefined);
    ex.resEndDelivered = noBody;
    let received = 0;
    res.on("data", (chunk: Buffer) => {
      if (ex.done || ex.resEndDelivered) return;
      received += chunk.length;
      const last = contentLength !== undefined && received >= contentLength;
      if (last) ex.resEndDelivered = true;
      this.step(ex, () => ex.stream!.responseBody(chunk, last));
    });
    res.on("end", () => {
      ex.upstreamEnded = true;
      if (ex.upstreamTimer) clearTimeout(ex.upstreamTimer);
      if (ex.done) return;
      if (ex.resEndDelivered) return this.pump(ex);
      ex.resEndDelivered = true;
      const trailers = pairs(res.rawTrailers);
      this.step(ex, () =>
        trailers.length > 0 ? ex.stream!.responseTrailers(trailers) : ex.stream!.responseBody(new Uint8Array(0), true),
      );
    });
    res.on("error", (e) => {
      if (!ex.done) this.reset(ex, `upstream failed mid-response: ${oneLine(e)}`);
    });
    this.step(ex, () => ex.stream!.responseHeaders(headers, { endOfStream: noBody }));
  }

  /** The upstream could not be reached: Envoy's router answers 503, through the filter's response callbacks. */
  private upstreamFailure(ex: Exchange, reason: string): void {
    this.routerReply(
      ex,
      UPSTREAM_FAILURE_STATUS,
      `upstream connect error or disconnect/reset before headers. reset reason: ${reason}`,
      `upstream unreachable: ${reason}`,
    );
  }

  /**
   * The route timeout: Envoy's router starts it once the request has been sent whole
   * (Filter::onRequestComplete, source/common/router/router.cc); when it fires before the
   * response began, onResponseTimeout resets the upstream request and answers 504 "upstream
   * request timeout" (onUpstreamTimeoutAbort); after, the stream is reset.
   */
  private startUpstreamTimer(ex: Exchange): void {
    const ms = this.opts.upstreamTimeoutMs;
    if (ms <= 0) return;
    ex.upstreamTimer = setTimeout(() => {
      if (ex.done || ex.upstreamEnded) return;
      if (ex.upRes) return this.reset(ex, `upstream timeout (${ms} ms, --upstream-timeout) mid-response`);
      ex.resStarted = true; // before destroy: the request's error event then has nothing to do
      ex.upReq?.destroy();
      this.routerReply(
        ex,
        UPSTREAM_TIMEOUT_STATUS,
        "upstream request timeout",
        `upstream timeout (${ms} ms, --upstream-timeout)`,
      );
    }, ms);
  }

  /** A reply of Envoy's router (not the upstream's), through the filter's response callbacks. */
  private routerReply(ex: Exchange, status: number, body: string, note: string): void {
    ex.note = note;
    ex.upstreamEnded = true;
    ex.resStarted = true;
    const headers: Pair[] = [
      [":status", String(status)],
      ["content-length", String(body.length)],
      ["content-type", "text/plain"],
    ];
    if (!this.step(ex, () => ex.stream!.responseHeaders(headers, { endOfStream: false }))) return;
    ex.resEndDelivered = true;
    this.step(ex, () => ex.stream!.responseBody(Buffer.from(body), true));
  }

  // ---- endings ------------------------------------------------------------------------------

  private sendLocal(ex: Exchange): void {
    const r = ex.stream!.localResponse!;
    const headers: Pair[] = r.headers.filter(
      ([k]) => !k.startsWith(":") && !WIRE_ONLY.has(k) && k !== "content-length",
    );
    if (r.body.length > 0 && !headers.some(([k]) => k === "content-type")) headers.push(["content-type", "text/plain"]);
    headers.push(["content-length", String(r.body.length)]);
    if (r.grpcStatus !== null && !headers.some(([k]) => k === "grpc-status"))
      headers.push(["grpc-status", String(r.grpcStatus)]);
    ex.note = `local response${r.details ? ` (${r.details})` : ""}`;
    ex.upReq?.destroy();
    ex.upRes?.resume();
    this.writeWhole(ex, r.status, headers, r.body);
    this.finish(ex);
  }

  /** Ends the stream in the filter (on_done, on_log, on_delete) and logs the access line. */
  private finish(ex: Exchange): void {
    if (ex.done) return;
    ex.done = true;
    if (ex.upstreamTimer) clearTimeout(ex.upstreamTimer);
    this.active.delete(ex);
    const s = ex.stream;
    if (s && !s.completed && !s.vm.failure) {
      try {
        this.rt.run(() => s.complete());
      } catch {
        // a trap in on_done/on_log is reported by run(); the response is already out
      }
    }
    this.access(ex);
  }

  private access(ex: Exchange): void {
    const method = ex.req.method ?? "";
    const status = ex.status || "-";
    this.io.out(
      `${stamp()} [serve] ${method} ${ex.req.url} → ${status}${ex.note ? ` ${ex.note}` : ""} (${Date.now() - ex.started} ms)\n`,
    );
  }

  /** The filter reset the stream, or the response could not be written: drop the connection. */
  private reset(ex: Exchange, why: string): void {
    ex.note = `reset: ${why}`;
    ex.upReq?.destroy();
    ex.res.destroy();
    this.finish(ex);
  }

  /** The client left before the end. */
  private abandon(ex: Exchange, why: string): void {
    ex.note = why;
    ex.upReq?.destroy();
    this.finish(ex);
  }

  /** The filter set a header HTTP/1 cannot carry (unsendable.ts): 500 and a log line naming it, never a dropped connection. */
  private filterHeaderFailure(ex: Exchange, side: "request" | "response", what: string): void {
    this.io.err(
      `${stamp()} [serve] ${ex.req.method} ${ex.req.url}: the filter set ${side} headers that cannot be sent: ${what}\n`,
    );
    this.failLocal(ex, 500, `unsendable ${side} header from the filter`);
  }

  /** Answers without the filter (its VM failed, or serve itself failed). */
  private failLocal(ex: Exchange, status: number, why: string): void {
    ex.note = why;
    ex.upReq?.destroy();
    if (ex.headWritten) ex.res.destroy();
    else
      this.writeWhole(
        ex,
        status,
        [["content-type", "text/plain"]],
        Buffer.from(status === 500 ? "internal error\n" : ""),
      );
    this.finish(ex);
  }

  /** Every stream of a VM that trapped fails (Envoy's fail-closed), the trap's own included. */
  private failVm(vm: Vm): void {
    for (const ex of [...this.active]) {
      if (ex.stream && ex.stream.vm !== vm) continue;
      if (!ex.stream) continue;
      this.failLocal(ex, FILTER_FAILURE_STATUS, "filter failed (wasm_fail_stream)");
    }
  }

  private writeWhole(ex: Exchange, status: number, headers: Pair[], body: Uint8Array): void {
    ex.status = status;
    ex.headWritten = true;
    if (!headers.some(([k]) => k === "content-length")) headers = [...headers, ["content-length", String(body.length)]];
    try {
      ex.res.writeHead(status, headers.flat());
      ex.res.end(body);
    } catch (e) {
      this.io.err(`${stamp()} [serve] could not write the response: ${oneLine(e)}\n`);
      ex.res.destroy();
    }
  }
}

/** Writes the chunks after the first `written`; returns how many are written now. */
function writeNewChunks(chunks: readonly Uint8Array[], written: number, write: (chunk: Uint8Array) => void): number {
  for (let i = written; i < chunks.length; i++) if (chunks[i].length > 0) write(chunks[i]);
  return Math.max(written, chunks.length);
}

interface RequestTarget {
  path: string;
  scheme: string;
  /** From an absolute-form target; otherwise the Host header gives it. */
  authority?: string;
}

/**
 * The request target as Envoy's HTTP/1 codec reads it (ServerConnectionImpl::handlePath,
 * source/common/http/http1/codec_impl.cc): origin-form ("/x?y") and OPTIONS "*" are the path;
 * an absolute-form URL ("http://host/x?y") replaces the Host header with its authority
 * (RFC 7230 5.7), gives :scheme, and :path is its path and query; anything else, or a scheme
 * other than http/https, is a 400 (invalid url / invalid scheme). null: refuse it.
 */
export function requestTarget(req: { url?: string; method?: string }): RequestTarget | null {
  const url = req.url ?? "/";
  if (url.startsWith("/") || (req.method === "OPTIONS" && url === "*")) return { path: url, scheme: "http" };
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]+)([^#]*)/.exec(url);
  const scheme = m?.[1].toLowerCase();
  if (!m || (scheme !== "http" && scheme !== "https")) return null;
  const rest = m[3];
  return { scheme, authority: m[2], path: rest === "" ? "/" : rest.startsWith("?") ? `/${rest}` : rest };
}

function pairs(raw: string[]): Pair[] {
  const out: Pair[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i].toLowerCase(), raw[i + 1]]);
  return out;
}
