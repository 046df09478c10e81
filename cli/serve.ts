// `proxy-wasm-as serve FILTER.wasm --upstream URL`: a local development proxy that runs real
// traffic through the filter in the host emulator (see serve/proxy.ts for how an HTTP stream
// is driven, serve/tcp.ts for a TCP connection, serve/filter.ts for the VM, calls and ticks,
// serve/watch.ts for --watch, serve/admin.ts for /stats).
import type http from "node:http";
import type { AddressInfo, Server } from "node:net";
import { relative } from "node:path";
import type { Io } from "./io.js";
import { UsageError } from "./options.js";
import { adminServer } from "./serve/admin.js";
import { parseServeArgs, SERVE_USAGE, type ServeOptions } from "./serve/args.js";
import { FilterRuntime, FilterStartError } from "./serve/filter.js";
import { HttpProxy } from "./serve/proxy.js";
import { TcpProxy } from "./serve/tcp.js";
import { findProject, Watcher } from "./serve/watch.js";

export interface ServeHandle {
  /** http://HOST:PORT (tcp://HOST:PORT in TCP mode) the proxy listens on (the real port when 0 was asked). */
  url: string;
  adminUrl: string | null;
  runtime: FilterRuntime;
  /** Set with --watch: emits "built" and "failed" after each rebuild. */
  watcher: Watcher | null;
  close(): Promise<void>;
}

/** A startup failure that is not bad usage: exit status 1. */
export class ServeStartError extends Error {}

function listen(server: Server, where: { host: string; port: number }, what: string, scheme = "http"): Promise<string> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      const why =
        e.code === "EADDRINUSE"
          ? "address already in use"
          : e.code === "EADDRNOTAVAIL"
            ? "address not available"
            : e.code === "EACCES"
              ? "permission denied"
              : e.message;
      reject(new ServeStartError(`cannot listen on ${where.host}:${where.port} (${what}): ${why}`));
    };
    server.once("error", onError);
    server.listen(where.port, where.host, () => {
      server.off("error", onError);
      const a = server.address() as AddressInfo;
      resolve(`${scheme}://${a.family === "IPv6" ? `[${a.address}]` : a.address}:${a.port}`);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    (server as http.Server).closeAllConnections?.();
  });
}

/** Starts the proxy (and the admin server); throws FilterStartError / ServeStartError / UsageError (--watch). */
export async function startServe(opts: ServeOptions, io: Io): Promise<ServeHandle> {
  const project = opts.watch ? findProject(opts.file) : null;
  const runtime = await FilterRuntime.start(opts, io);
  const proxy = opts.mode === "tcp" ? new TcpProxy(runtime, opts, io) : new HttpProxy(runtime, opts, io);
  const admin = opts.admin ? adminServer(() => runtime.host.metrics.list()) : null;
  const watcher = project ? new Watcher(project, opts.file, runtime, io) : null;
  const close = async () => {
    watcher?.close();
    runtime.close();
    proxy.close();
    await Promise.all([closeServer(proxy.server), admin ? closeServer(admin) : Promise.resolve()]);
  };
  try {
    const url = await listen(proxy.server, opts.listen, "--listen", opts.mode);
    const adminUrl = admin ? await listen(admin, opts.admin!, "--admin") : null;
    watcher?.start();
    return { url, adminUrl, runtime, watcher, close };
  } catch (e) {
    await close();
    throw e;
  }
}

export function banner(opts: ServeOptions, h: ServeHandle): string {
  const clusters = [...opts.clusters]
    .map(([n, u]) => `${n}=${u.origin}${u.pathname === "/" ? "" : u.pathname}`)
    .join(", ");
  const upstream = opts.mode === "tcp" ? `tcp://${opts.upstream.host}` : opts.upstream.origin;
  const plugins = opts.plugins
    .map(
      (p, i) =>
        `${p.rootId === "" ? '""' : p.rootId}${i === 0 && opts.plugins.length > 1 ? " (serves the traffic)" : ""}`,
    )
    .join(", ");
  return [
    `proxy-wasm-as serve: ${opts.file} → ${upstream}${opts.mode === "tcp" ? " (TCP: the filter's network callbacks)" : ""}`,
    `  listening  ${h.url}`,
    `  plugins    root id ${plugins}`,
    `  admin      ${h.adminUrl ? `${h.adminUrl}/stats` : "off (--admin 127.0.0.1:9901 for /stats)"}`,
    `  clusters   ${clusters || "none (--cluster NAME=URL for the filter's HTTP calls)"}`,
    ...(h.watcher
      ? [
          `  watching   ${h.watcher.project.entries.join(", ")} (asc --config ${relative(h.watcher.project.dir, h.watcher.project.config)} --target ${h.watcher.project.target}${h.watcher.project.outFile ? ` --outFile ${h.watcher.project.outFile}` : ""})`,
        ]
      : []),
    "  For development only: the filter runs in the proxy-wasm-as emulator, not in Envoy; this is not a production proxy.",
    "  Ctrl-C stops it.",
    "",
  ].join("\n");
}

export async function serve(args: string[], io: Io): Promise<number> {
  let opts: ServeOptions | "help";
  try {
    opts = await parseServeArgs(args);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`serve: ${e.message}\nRun "proxy-wasm-as serve --help" for the options.\n`);
      return 2;
    }
    throw e;
  }
  if (opts === "help") {
    io.out(SERVE_USAGE);
    return 0;
  }
  let handle: ServeHandle;
  try {
    handle = await startServe(opts, io);
  } catch (e) {
    if (e instanceof FilterStartError || e instanceof ServeStartError) {
      io.err(`serve: ${e.message}\n`);
      return 1;
    }
    if (e instanceof UsageError) {
      io.err(`serve: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  io.out(banner(opts, handle));
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await handle.close();
  io.out("proxy-wasm-as serve: stopped\n");
  return 0;
}
