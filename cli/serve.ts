// `proxy-wasm-as serve FILTER.wasm --upstream URL`: a local development proxy that runs real
// HTTP traffic through the filter in the host emulator (see serve-proxy.ts for how a stream
// is driven, serve-filter.ts for the VM, calls and ticks, serve-admin.ts for /stats).
import type http from "node:http";
import type { AddressInfo } from "node:net";
import type { Io } from "./io.js";
import { UsageError } from "./options.js";
import { adminServer } from "./serve-admin.js";
import { parseServeArgs, SERVE_USAGE, type ServeOptions } from "./serve-args.js";
import { FilterRuntime, FilterStartError } from "./serve-filter.js";
import { Proxy } from "./serve-proxy.js";

export interface ServeHandle {
  /** http://HOST:PORT the proxy listens on (the real port when 0 was asked). */
  url: string;
  adminUrl: string | null;
  runtime: FilterRuntime;
  close(): Promise<void>;
}

/** A startup failure that is not bad usage: exit status 1. */
export class ServeStartError extends Error {}

function listen(server: http.Server, where: { host: string; port: number }, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      const why = e.code === "EADDRINUSE" ? "address already in use" : e.code === "EADDRNOTAVAIL" ? "address not available" : e.code === "EACCES" ? "permission denied" : e.message;
      reject(new ServeStartError(`cannot listen on ${where.host}:${where.port} (${what}): ${why}`));
    };
    server.once("error", onError);
    server.listen(where.port, where.host, () => {
      server.off("error", onError);
      const a = server.address() as AddressInfo;
      resolve(`http://${a.family === "IPv6" ? `[${a.address}]` : a.address}:${a.port}`);
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Starts the proxy (and the admin server); throws FilterStartError / ServeStartError. */
export async function startServe(opts: ServeOptions, io: Io): Promise<ServeHandle> {
  const runtime = await FilterRuntime.start(opts, io);
  const proxy = new Proxy(runtime, opts, io);
  const admin = opts.admin ? adminServer(() => runtime.host.metrics.list()) : null;
  const close = async () => {
    runtime.close();
    proxy.close();
    await Promise.all([closeServer(proxy.server), admin ? closeServer(admin) : Promise.resolve()]);
  };
  try {
    const url = await listen(proxy.server, opts.listen, "--listen");
    const adminUrl = admin ? await listen(admin, opts.admin!, "--admin") : null;
    return { url, adminUrl, runtime, close };
  } catch (e) {
    await close();
    throw e;
  }
}

export function banner(opts: ServeOptions, h: ServeHandle): string {
  const clusters = [...opts.clusters].map(([n, u]) => `${n}=${u.origin}${u.pathname === "/" ? "" : u.pathname}`).join(", ");
  return [
    `proxy-wasm-as serve: ${opts.file} → ${opts.upstream.origin}`,
    `  listening  ${h.url}`,
    `  admin      ${h.adminUrl ? `${h.adminUrl}/stats` : "off (--admin 127.0.0.1:9901 for /stats)"}`,
    `  clusters   ${clusters || "none (--cluster NAME=URL for the filter's HTTP calls)"}`,
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
