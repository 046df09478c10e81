// Outgoing HTTP and gRPC calls the filter dispatched and the test has not answered yet.
import type { BytesLike } from "../wasm/bytes.js";
import type { Pair, PairsInit } from "../wasm/pairs.js";

export interface HttpCall {
  /** Opaque, non-sequential (like a real proxy's); never assume 1, 2, 3. */
  token: number;
  /** The upstream (cluster) name the filter asked for. */
  upstream: string;
  headers: Pair[];
  body: Uint8Array;
  bodyText: string;
  trailers: Pair[];
  timeoutMs: number;
  /** The plugin (root) context the response goes to, and its root id. */
  rootContextId: number;
  rootId: string;
  /** The context that was active (or effective) when the call was made. */
  callerContextId: number;
  vmId: string;
}

export interface GrpcCall {
  /** Odd for unary calls, like Envoy. */
  token: number;
  upstream: string;
  service: string;
  method: string;
  initialMetadata: Pair[];
  message: Uint8Array;
  timeoutMs: number;
  rootContextId: number;
  rootId: string;
  callerContextId: number;
  vmId: string;
}

export interface GrpcStream {
  /** Even for streams, like Envoy. */
  token: number;
  upstream: string;
  service: string;
  method: string;
  initialMetadata: Pair[];
  /** Messages the filter sent with proxy_grpc_send. */
  sent: { message: Uint8Array; text: string; endStream: boolean }[];
  /** The filter called proxy_grpc_close (half-close). */
  localClosed: boolean;
  rootContextId: number;
  rootId: string;
  callerContextId: number;
  vmId: string;
}

export interface HttpCallResponse {
  /** Added as ":status" unless headers already have one. Default 200. */
  status?: number;
  headers?: PairsInit;
  body?: BytesLike;
  trailers?: PairsInit;
}

/** The plugin (root) context a call's results go to (host/streams/plugin.ts implements it). */
export interface CallReceiver {
  readonly id: number;
  readonly rootId: string;
  /** False when it can no longer receive callbacks: results are dropped then. */
  readonly reachable: boolean;
  /** null: the call failed (connection reset). */
  deliverHttpResponse(token: number, res: { headers: Pair[]; body: Uint8Array; trailers: Pair[] } | null): void;
  deliverGrpcInitialMetadata(token: number, md: Pair[]): void;
  deliverGrpcMessage(token: number, message: Uint8Array): void;
  deliverGrpcTrailingMetadata(token: number, md: Pair[]): void;
  deliverGrpcClose(token: number, code: number, message: string): void;
}

export class CallRegistry {
  /** deadline: when Envoy times the call out (ns on the Host clock), null without a timeout. */
  readonly http = new Map<number, { view: HttpCall; plugin: CallReceiver; deadline: bigint | null }>();
  readonly grpc = new Map<number, { view: GrpcCall; plugin: CallReceiver }>();
  readonly streams = new Map<number, { view: GrpcStream; plugin: CallReceiver }>();
  private seq = 0;

  /** A bijective scramble of a counter: unique, non-zero, and visibly not a sequence. */
  private scramble(): number {
    this.seq++;
    let x = Math.imul(this.seq, 0x9e3779b1) >>> 0;
    x ^= x >>> 15;
    return x >>> 0;
  }

  httpToken(): number {
    for (;;) {
      const t = this.scramble();
      if (t !== 0 && !this.http.has(t)) return t;
    }
  }

  grpcToken(stream: boolean): number {
    for (;;) {
      const t = ((this.scramble() & ~1) | (stream ? 0 : 1)) >>> 0;
      if (t !== 0 && !this.grpc.has(t) && !this.streams.has(t)) return t;
    }
  }
}
