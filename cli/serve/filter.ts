// The filter side of `serve`: one emulated proxy (Host) with the filter's VM and its plugins
// (the first serves the traffic), a fresh VM after a trap (a trapped VM is unusable, as in
// Envoy), a new build swapped in for new streams (--watch) while the old VM finishes its own,
// the clock kept on real time (ticks fire from it), filter logs printed with their level, and
// the filter's HTTP calls sent to the URLs given for their clusters.
import http from "node:http";
import { Host, LoopLimitError, type Plugin, type Vm, WasmTrapError } from "../../host/index.js";
import { useSourceMapBeside } from "../../host/wasm/source-map.js";
import type { Io } from "../io.js";
import type { ServeOptions } from "./args.js";
import { HOP_BY_HOP, WIRE_ONLY } from "./hop-by-hop.js";
import { instrumentWithSourceMap } from "./loop-instrument.js";

/** The filter could not be loaded or configured. */
export class FilterStartError extends Error {}

export function stamp(): string {
  return new Date().toISOString().slice(11, 23);
}

export class FilterRuntime {
  readonly host: Host;
  vm!: Vm;
  /** The plugin that serves the traffic (the first --root-id). */
  plugin!: Plugin;
  plugins: Plugin[] = [];
  /** The module new VMs are made from (--watch replaces it). */
  private wasm: Uint8Array;
  /** VMs replaced by a new build: shut down once their last stream is done. */
  private readonly retired: Vm[] = [];
  /** Called after anything that ran filter code out of band (call answers, ticks), so held streams move. */
  onActivity: () => void = () => {};
  /** Called when the VM trapped: every stream on it must be failed. */
  onTrap: (vm: Vm, error: Error) => void = () => {};
  private reloading: Promise<void> | null = null;
  private readonly dispatched = new Set<number>();
  private readonly inflight = new Set<http.ClientRequest>();
  /** Each call on the wire, by token: how to end it once the emulator's clock timed it out. */
  private readonly onWire = new Map<number, () => void>();
  private ticker: NodeJS.Timeout | null = null;
  private closed = false;

  private constructor(
    readonly opts: ServeOptions,
    private readonly io: Io,
  ) {
    this.wasm = opts.wasm;
    this.host = new Host({
      now: BigInt(Date.now()) * 1_000_000n,
      logLevel: opts.logLevel,
      clusters: [...opts.clusters.keys()],
      bufferLimitBytes: opts.bufferLimitBytes,
      // Envoy has no such limit (a runaway blocks a worker until its watchdog fires); serve is
      // one thread, so without it a runaway would freeze every request, the admin and SIGTERM.
      ...(opts.loopLimit !== null && { loopLimit: opts.loopLimit }),
    });
    // Root contexts (plugin start, ticks) see them too; streams get them over their own (setConnectionProperties).
    for (const [path, value] of opts.properties) this.host.setProperty(path, value);
  }

  static async start(opts: ServeOptions, io: Io): Promise<FilterRuntime> {
    const rt = new FilterRuntime(opts, io);
    await rt.load();
    rt.ticker = setInterval(() => rt.tick(), 10);
    return rt;
  }

  /** Loads a VM and starts its plugins; FilterStartError with the reason when it cannot. */
  private async load(wasm = this.wasm): Promise<void> {
    let vm: Vm;
    try {
      vm = await this.host.loadVm(await this.withSourceMap(wasm), {
        vmId: this.opts.vmId,
        vmConfiguration: this.opts.vmConfiguration,
      });
    } catch (e) {
      this.flushLogs();
      throw new FilterStartError(`${this.opts.file}: the filter failed to load: ${describeError(e)}`);
    }
    const plugins: Plugin[] = [];
    for (const spec of this.opts.plugins) {
      const which = this.opts.plugins.length > 1 ? ` (root id "${spec.rootId}")` : "";
      let plugin: Plugin;
      try {
        plugin = vm.startPlugin({ rootId: spec.rootId, configuration: spec.configuration });
      } catch (e) {
        this.flushLogs();
        throw new FilterStartError(`${this.opts.file}: the filter trapped while starting${which}: ${describeError(e)}`);
      }
      this.flushLogs();
      if (!plugin.configured) {
        const callback = plugin.vmStarted ? "proxy_on_configure" : "proxy_on_vm_start";
        throw new FilterStartError(
          `${this.opts.file}: the filter failed to start${which}: ${callback} returned false (see its log above)`,
        );
      }
      plugins.push(plugin);
    }
    this.vm = vm;
    this.plugins = plugins;
    this.plugin = plugins[0];
  }

  /**
   * The bytes to load, with the map beside the served file made known for them, so a trap names
   * the TypeScript line from any working folder; under the loop limit, instrumented with the map
   * carried along (loop-instrument.ts).
   */
  private async withSourceMap(wasm: Uint8Array): Promise<Uint8Array> {
    const instrumented = this.opts.loopLimit === null ? null : await instrumentWithSourceMap(wasm, this.opts.file);
    if (!instrumented) {
      useSourceMapBeside(wasm, this.opts.file);
      return wasm;
    }
    useSourceMapBeside(instrumented.bytes, instrumented.path);
    return instrumented.bytes;
  }

  /**
   * Serves new streams with a new build of the filter; streams already on the old VM finish
   * there, then its plugins are shut down. When the new build cannot start, the old one stays.
   */
  async swap(wasm: Uint8Array): Promise<void> {
    const old = this.vm;
    await this.load(wasm);
    this.wasm = wasm;
    if (!old.failure) this.retired.push(old);
    this.retireIdle();
  }

  /** Shuts down the plugins of replaced VMs that no stream uses any more. */
  private retireIdle(): void {
    for (const vm of [...this.retired]) {
      const streams = [...vm.contexts.values()].filter((c) => !vm.plugins.includes(c as Plugin));
      if (streams.length > 0 && !vm.failure) continue;
      this.retired.splice(this.retired.indexOf(vm), 1);
      if (vm.failure) continue;
      try {
        for (const p of vm.plugins) if (p.reachable) p.shutdown();
      } catch {
        // a trap while shutting down a replaced VM: nothing serves on it any more
      }
      this.flushLogs();
    }
  }

  /** The plugin to use for a new stream: waits for a fresh VM when the last one trapped. */
  async ready(): Promise<Plugin> {
    if (this.vm.failure && !this.reloading) {
      this.reloading = this.load()
        .then(() => this.io.out(`${stamp()} [serve] loaded a fresh VM\n`))
        .catch((e) => this.io.err(`${stamp()} [serve] could not load a fresh VM: ${(e as Error).message}\n`))
        .finally(() => (this.reloading = null));
    }
    if (this.reloading) await this.reloading;
    if (this.vm.failure) throw new Error("the filter's VM failed and could not be reloaded");
    return this.plugin;
  }

  /**
   * Runs filter code; afterwards prints its logs and sends its new HTTP calls. A trap is
   * reported (onTrap) and rethrown; the caller fails its own stream.
   */
  run<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      const vm = this.vm;
      if (vm.failure || e instanceof WasmTrapError) {
        this.flushLogs();
        const what = ranAway(e) ? `the filter ran away in ${(e as WasmTrapError).callback}` : "the filter trapped";
        this.io.err(
          `${stamp()} [serve] ${what}: ${describeError(e)}\n${stamp()} [serve] its streams fail and a fresh VM serves the next ones\n`,
        );
        this.onTrap(vm, e as Error);
      }
      throw e;
    } finally {
      this.after();
    }
  }

  private after(): void {
    this.flushLogs();
    if (!this.closed) this.dispatchCalls();
  }

  /** Prints the filter's log lines since the last flush, with their level. */
  flushLogs(): void {
    for (const l of this.host.logs) this.io.out(`${stamp()} [${l.level}] ${l.message}\n`);
    this.host.clearLogs();
  }

  /**
   * Keeps the emulator's clock on the real one: proxy_on_tick fires as periods elapse, and a
   * call whose timeout passed gets Envoy's 504 from the emulator (so a call times out one way
   * only, whichever of serve's timer and the clock comes first); its request is then dropped.
   */
  syncClock(): void {
    const now = BigInt(Date.now()) * 1_000_000n;
    if (now > this.host.now) this.host.advanceTime(Number(now - this.host.now) / 1e6);
    if (this.onWire.size === 0) return;
    const pending = new Set(this.host.httpCalls.map((c) => c.token));
    for (const [token, timedOut] of this.onWire) if (!pending.has(token)) timedOut();
  }

  private tick(): void {
    if (this.retired.length) this.retireIdle();
    if (this.closed || this.vm.failure) return;
    try {
      this.run(() => this.syncClock());
    } catch {
      // reported by run()
    }
    this.onActivity();
  }

  private dispatchCalls(): void {
    for (const call of this.host.httpCalls) {
      if (this.dispatched.has(call.token)) continue;
      this.dispatched.add(call.token);
      this.sendCall(call.token, call.upstream, call.headers, call.body, call.trailers, call.timeoutMs);
    }
    for (const call of this.host.grpcCalls) {
      if (this.dispatched.has(call.token)) continue;
      this.dispatched.add(call.token);
      this.io.err(
        `${stamp()} [serve] gRPC call to ${call.upstream} (${call.service}/${call.method}) failed: serve does not make gRPC calls\n`,
      );
      setImmediate(() =>
        this.answer(call.token, () => this.host.failGrpcCall(call.token, 14, "serve does not make gRPC calls")),
      );
    }
  }

  private sendCall(
    token: number,
    cluster: string,
    headers: [string, string][],
    body: Uint8Array,
    trailers: [string, string][],
    timeoutMs: number,
  ): void {
    const target = this.opts.clusters.get(cluster)!;
    const get = (name: string) => headers.find(([k]) => k === name)?.[1];
    const method = get(":method") ?? "GET";
    const path = get(":path") ?? "/";
    const out: [string, string][] = [["host", get(":authority") ?? target.host]];
    for (const [k, v] of headers) if (!k.startsWith(":") && !WIRE_ONLY.has(k) && k !== "host") out.push([k, v]);
    if (body.length > 0 && !out.some(([k]) => k === "content-length"))
      out.push(["content-length", String(body.length)]);
    const started = Date.now();
    let settled = false;
    /** Logs how the call ended and delivers it (`deliver` null: the emulator already has). */
    const settle = (what: string, deliver: (() => void) | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      this.inflight.delete(req);
      this.onWire.delete(token);
      this.io.out(`${stamp()} [serve] http call ${cluster} ${method} ${path} → ${what} (${Date.now() - started} ms)\n`);
      if (deliver) this.answer(token, deliver);
      else this.dispatched.delete(token);
    };
    const req = http.request({
      hostname: target.hostname,
      port: target.port || 80,
      method,
      path: joinPath(target.pathname, path),
      headers: out.flat(),
      setHost: false,
    });
    this.inflight.add(req);
    // Envoy's router answers a call it could not complete: 504 once the timeout passed
    // (Filter::onResponseTimeout), 503 when the connection failed before any response
    // (Filter::onUpstreamReset); only a reset after the response began is a failure with no
    // headers (AsyncRequestImpl::onReset).
    const timeOut = () => {
      settle("timeout", () => this.host.timeOutHttpCall(token));
      req.destroy();
    };
    // The emulator's clock passed the deadline first: it has delivered Envoy's 504 already.
    this.onWire.set(token, () => {
      settle("timeout", null);
      req.destroy();
    });
    const timer = setTimeout(timeOut, timeoutMs > 0 ? timeoutMs : 1000);
    req.on("error", (e) => {
      const code = (e as NodeJS.ErrnoException).code ?? e.message;
      const reason = code === "ECONNREFUSED" ? "connection failure" : "connection termination";
      const body = `upstream connect error or disconnect/reset before headers. reset reason: ${reason}`;
      const headers: [string, string][] = [
        [":status", "503"],
        ["content-length", String(body.length)],
        ["content-type", "text/plain"],
      ];
      settle(`failed (${code})`, () => this.host.respondHttpCall(token, { headers, body }));
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", (e) => settle(`failed (${e.message})`, () => this.host.failHttpCall(token)));
      res.on("end", () => {
        const h: [string, string][] = [[":status", String(res.statusCode ?? 200)]];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i].toLowerCase();
          if (!HOP_BY_HOP.has(name)) h.push([name, res.rawHeaders[i + 1]]);
        }
        const t: [string, string][] = [];
        for (let i = 0; i < res.rawTrailers.length; i += 2)
          t.push([res.rawTrailers[i].toLowerCase(), res.rawTrailers[i + 1]]);
        settle(String(res.statusCode), () =>
          this.host.respondHttpCall(token, { headers: h, body: Buffer.concat(chunks), trailers: t }),
        );
      });
    });
    if (trailers.length > 0) req.addTrailers(trailers);
    req.end(Buffer.from(body));
  }

  /** Delivers a call result to the filter, then lets held streams move. */
  private answer(token: number, deliver: () => void): void {
    this.dispatched.delete(token);
    if (this.closed) return;
    try {
      this.run(deliver);
    } catch {
      // a trap is reported by run(); a call whose VM is gone has nothing to deliver to
    }
    this.onActivity();
  }

  close(): void {
    this.closed = true;
    if (this.ticker) clearInterval(this.ticker);
    for (const req of this.inflight) req.destroy();
    this.inflight.clear();
  }
}

function joinPath(base: string, path: string): string {
  if (base === "" || base === "/") return path;
  return base.replace(/\/$/, "") + (path.startsWith("/") ? path : `/${path}`);
}

/** A callback stopped by the loop limit (a filter that may loop forever). */
export function ranAway(e: unknown): boolean {
  return e instanceof WasmTrapError && e.cause instanceof LoopLimitError;
}

/**
 * An error for serve's log: a trap keeps its AssemblyScript stack ("at file.ts:line:column"
 * lines, from the build's source map) on lines of their own; anything else is one line.
 */
export function describeError(e: unknown): string {
  if (ranAway(e)) {
    const t = e as WasmTrapError;
    return `${t.callback} ran past ${(t.cause as LoopLimitError).limit} loop iterations and function calls (--loop-limit): it may loop forever`;
  }
  const msg = e instanceof Error ? e.message : String(e);
  if (!(e instanceof WasmTrapError)) return oneLine(e);
  const [first, ...rest] = msg.split("\n");
  const frames = rest.filter((l) => /^\s+at /.test(l));
  return frames.length === rest.length ? [first, ...frames].join("\n") : oneLine(e);
}

/** An error as one line (the emulator's messages can span lines, e.g. missing imports). */
export function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg
    .split("\n")
    .map((s) => s.trim())
    .filter(Boolean)
    .join("; ");
}
