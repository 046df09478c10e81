// Shared by the CLI tests: a real upstream on 127.0.0.1 (ephemeral port), `serve` started
// in-process on an ephemeral port, a plain HTTP client, and main() with collected output.
import { spawn } from "node:child_process";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { main } from "../../cli/main.js";
import { parseServeArgs, type ServeOptions } from "../../cli/serve/args.js";
import { type ServeHandle, startServe } from "../../cli/serve.js";

export const repo = fileURLToPath(new URL("../../", import.meta.url));
export const example = (name: string) => `${repo}examples/${name}/build/filter.wasm`;
export const PROBE = `${repo}test/build/sdk-probe.wasm`;

export interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  trailers: Record<string, string>;
}

export interface Upstream {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

type Handler = (seen: Seen, res: http.ServerResponse) => void;

/** Echoes each request as JSON with a content-length, unless `handler` answers. */
export function echo(seen: Seen, res: http.ServerResponse): void {
  const body = JSON.stringify(seen);
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

export async function upstream(handler: Handler = echo): Promise<Upstream> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const s = {
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        trailers: req.trailers as Record<string, string>,
      };
      seen.push(s);
      handler(s, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/**
 * A service that resets every connection before answering. It stays bound until closed, so no
 * other test can take its port and answer in its place (a port bound and released could be).
 */
export async function resettingService(): Promise<{ url: string; close(): Promise<void> }> {
  const server = net.createServer((socket) => socket.resetAndDestroy());
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

export interface Served {
  url: string;
  adminUrl: string | null;
  opts: ServeOptions;
  handle: ServeHandle;
  output(): string;
  close(): Promise<void>;
}

export async function serveFilter(args: string[]): Promise<Served> {
  let out = "";
  const opts = await parseServeArgs([...args, "--listen", "127.0.0.1:0"]);
  if (opts === "help") throw new Error("help");
  const io = {
    out: (t: string) => {
      out += t;
    },
    err: (t: string) => {
      out += t;
    },
  };
  const h = await startServe(opts, io);
  return { url: h.url, adminUrl: h.adminUrl, opts, handle: h, output: () => out, close: h.close };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  trailers: Record<string, string>;
}

/** One request on a fresh connection; `body` may be chunks written apart (streamed). */
export function request(
  url: string,
  opts: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | string[];
    trailers?: Record<string, string>;
    gapMs?: number;
  } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? "GET", headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
          trailers: res.trailers as Record<string, string>,
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    const parts = opts.body === undefined ? [] : Array.isArray(opts.body) ? opts.body : [opts.body];
    if (opts.trailers) req.addTrailers(opts.trailers);
    const write = async () => {
      for (const [i, p] of parts.entries()) {
        if (i > 0 && opts.gapMs) await new Promise((r) => setTimeout(r, opts.gapMs));
        req.write(p);
      }
      req.end();
    };
    void write();
  });
}

export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  });
  return { code, out, err };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ServeProcess {
  url: string;
  out(): string;
  err(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL if it is still running. */
  kill(): void;
}

/** bin/proxy-wasm-as.js serve ARGS --listen 127.0.0.1:0 as a process, once its banner shows where it listens. */
export async function serveBin(args: string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, ["bin/proxy-wasm-as.js", "serve", ...args, "--listen", "127.0.0.1:0"], {
    cwd: repo,
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const kill = () => void (child.exitCode === null && child.kill("SIGKILL"));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.on("exit", () => reject(new Error(`exited before listening: ${out} ${err}`)));
      child.stdout.on("data", () => {
        const m = /listening\s+(http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
    });
    const stop = () =>
      new Promise<number | null>((resolve) => {
        child.on("exit", (c) => resolve(c));
        child.kill("SIGTERM");
      });
    return { url, out: () => out, err: () => err, stop, kill };
  } catch (e) {
    kill();
    throw e;
  }
}
