// `serve --upstream tcp://HOST:PORT`: a TCP proxy whose connections each run through the
// filter's network callbacks, as Envoy runs a network filter in front of tcp_proxy
// (source/extensions/common/wasm/context.cc): the client's bytes are proxy_on_downstream_data,
// the server's bytes proxy_on_upstream_data, each with end_of_stream on a half-close; the
// server's half-close also counts as its close (proxy_on_upstream_connection_close, peer
// unknown); the client's connection closing is proxy_on_downstream_connection_close (remote,
// or local when the proxy closed it). Whatever the filter lets through is written on.
import net from "node:net";
import type { Plugin, TcpStream, Vm } from "../../host/index.js";
import type { Io } from "../io.js";
import type { ServeOptions } from "./args.js";
import { setConnectionProperties } from "./properties.js";
import { type FilterRuntime, describeError, stamp } from "./filter.js";

class Connection {
  stream: TcpStream | null = null;
  upstream: net.Socket | null = null;
  /** Bytes of each direction already written on. */
  toUpstream = 0;
  toClient = 0;
  /** A half-close was handed to the filter; it is passed on once the filter let everything through. */
  clientEnded = false;
  upstreamEnded = false;
  upstreamEndSent = false;
  clientEndSent = false;
  done = false;
  note = "";
  readonly started = Date.now();

  constructor(readonly client: net.Socket) {}
}

export class TcpProxy {
  readonly server: net.Server;
  private readonly active = new Set<Connection>();

  constructor(
    private readonly rt: FilterRuntime,
    private readonly opts: ServeOptions,
    private readonly io: Io,
  ) {
    // Half-open: a client that sent everything may still be waiting for the answer.
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => {
      this.handle(socket).catch((e) => this.io.err(`${stamp()} [serve] internal error: ${describeError(e)}\n`));
    });
    rt.onActivity = () => this.pumpAll();
    rt.onTrap = (vm) => this.failVm(vm);
  }

  pumpAll(): void {
    for (const c of [...this.active]) this.pump(c);
  }

  close(): void {
    for (const c of [...this.active]) {
      c.done = true;
      c.client.destroy();
      c.upstream?.destroy();
    }
    this.active.clear();
  }

  private async handle(client: net.Socket): Promise<void> {
    const c = new Connection(client);
    this.active.add(c);
    client.on("error", () => {}); // a reset shows as "close"
    let plugin: Plugin;
    try {
      plugin = await this.rt.ready();
    } catch (e) {
      c.note = `filter unavailable: ${describeError(e)}`;
      return this.end(c);
    }
    const ok = this.step(c, () => {
      this.rt.syncClock();
      const s = plugin.newTcpStream();
      c.stream = s;
      setConnectionProperties(s, client, this.opts.properties);
      s.newConnection();
    });
    if (!ok) return;
    const up = net.connect({
      host: this.opts.upstream.hostname,
      port: Number(this.opts.upstream.port),
      allowHalfOpen: true,
    });
    c.upstream = up;
    let connected = false;
    up.on("connect", () => (connected = true));
    up.on("data", (chunk: Buffer) => this.step(c, () => c.stream!.upstreamData(chunk, false)));
    up.on("end", () => {
      c.upstreamEnded = true;
      // As Envoy: end_of_stream from the server, then its close (peer unknown).
      this.step(c, () => {
        const s = c.stream!;
        s.upstreamData(new Uint8Array(0), true);
        if (!s.upstreamClosed && !s.completed) s.upstreamClose("unknown");
      });
    });
    up.on("error", (e: NodeJS.ErrnoException) => {
      if (c.done) return;
      c.note = `upstream ${connected ? "failed" : "unreachable"}: ${e.code ?? e.message}`;
      this.end(c);
    });
    client.on("data", (chunk: Buffer) => this.step(c, () => c.stream!.downstreamData(chunk, false)));
    client.on("end", () => {
      c.clientEnded = true;
      this.step(c, () => c.stream!.downstreamData(new Uint8Array(0), true));
    });
    client.on("close", () => {
      if (!c.done) {
        c.note ||= "client closed";
        this.end(c, "remote");
      }
    });
  }

  /** Runs filter code for this connection, then moves bytes on; false when it ended. */
  private step(c: Connection, fn: () => void): boolean {
    if (c.done) return false;
    try {
      this.rt.run(fn);
    } catch (e) {
      // A trap already ended every connection of the VM (onTrap); anything else is ours.
      if (!c.done) {
        c.note = `internal error: ${describeError(e)}`;
        this.end(c);
      }
      return false;
    }
    this.pump(c);
    return !c.done;
  }

  private pump(c: Connection): void {
    const s = c.stream;
    if (c.done || !s) return;
    if (s.closed) {
      c.note = "the filter closed the connection";
      return this.end(c);
    }
    const up = c.upstream;
    if (up && !up.destroyed) {
      const out = s.downstreamDataBytes;
      if (out.length > c.toUpstream) {
        up.write(out.subarray(c.toUpstream));
        c.toUpstream = out.length;
      }
      if (c.clientEnded && !s.downstreamPaused && !c.upstreamEndSent) {
        c.upstreamEndSent = true;
        up.end();
      }
    }
    const back = s.upstreamDataBytes;
    if (back.length > c.toClient) {
      c.client.write(back.subarray(c.toClient));
      c.toClient = back.length;
    }
    if (c.upstreamEnded && !s.upstreamPaused && !c.clientEndSent) {
      c.clientEndSent = true;
      c.client.end();
    }
    if (c.clientEndSent && c.upstreamEndSent) this.end(c, "remote");
  }

  /**
   * Ends the connection: both sockets close, and the filter hears the client side close (the
   * context then completes, as Envoy's does when the downstream connection goes).
   */
  private end(c: Connection, peer: "local" | "remote" = "local"): void {
    if (c.done) return;
    c.done = true;
    this.active.delete(c);
    const s = c.stream;
    if (s && !s.completed && !s.vm.failure) {
      try {
        this.rt.run(() => {
          if (!s.downstreamClosed) s.downstreamClose(peer);
          if (!s.completed) s.complete();
        });
      } catch {
        // a trap while closing is reported by run()
      }
    }
    if (c.clientEndSent) c.client.end();
    else c.client.destroy();
    c.upstream?.destroy();
    this.io.out(
      `${stamp()} [serve] tcp ${c.client.remoteAddress}:${c.client.remotePort} → ${c.toUpstream} bytes up, ${c.toClient} bytes down${c.note ? `, ${c.note}` : ""} (${Date.now() - c.started} ms)\n`,
    );
  }

  /** Every connection of a VM that trapped is closed (Envoy closes them: the filter failed). */
  private failVm(vm: Vm): void {
    for (const c of [...this.active]) {
      if (!c.stream || c.stream.vm !== vm) continue;
      c.note = "filter failed";
      this.end(c);
    }
  }
}
