// One nginx + ngx_wasm_module instance for one test: its own folder, a configuration with the
// filters to run in front of an upstream, a listening unix socket (no port to collide with), one
// worker, and its error.log, which is where ngx_wasm_module writes the filters' log lines.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface FilterSpec {
  /** The module's name in `wasm { module NAME path; }`, also the plugin (root) id. */
  name: string;
  wasm: string;
  /** The plugin configuration (`proxy_wasm NAME 'CONFIG';`), usually JSON. */
  config?: string;
}

export interface NginxOptions {
  filters: FilterSpec[];
  /** The upstream nginx proxies to, e.g. "unix:/tmp/x/up.sock". */
  upstream: string;
  /** Extra lines for the http {} block (e.g. a map and a second upstream), and proxy_pass's target. */
  http?: { extra: string; proxyPass: string };
  /** nginx's error_log level: filters' lines below it are dropped (and getLogLevel reports it). */
  logLevel?: "debug" | "info" | "notice" | "warn" | "error";
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Header names as sent, in order, with their values (to count repeated headers). */
  rawHeaders: string[];
  body: string;
}

export interface Request {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

const REQUEST_BOUND_MS = 15_000;
const START_BOUND_MS = 30_000;
const LOG_WAIT_BOUND_MS = 20_000;

/** Builds the configuration: the shape of the kit's nginx.conf.tmpl, one server on a unix socket. */
export function nginxConfiguration(run: string, options: NginxOptions): string {
  const modules = options.filters.map((f) => `    module ${f.name} ${f.wasm};`).join("\n");
  // Single quotes delimit the configuration in nginx's syntax; a JSON config has none to escape.
  const filters = options.filters
    .map(
      (f) => `            proxy_wasm ${f.name}${f.config === undefined ? "" : ` '${f.config.replace(/'/g, "\\'")}'`};`,
    )
    .join("\n");
  // nginx started by root runs its worker as nobody, who could not reach the test's sockets.
  const user = process.getuid?.() === 0 ? "user root;\n" : "";
  return `${user}daemon off;
master_process on;
worker_processes 1;
error_log ${run}/error.log ${options.logLevel ?? "info"};
pid ${run}/nginx.pid;
events { worker_connections 256; }

wasm {
    # shared data for keys without a "namespace/" prefix (rate-limit)
    shm_kv * 1m;
${modules}
}

http {
    access_log off;
    client_body_temp_path ${run}/tmp/body;
    proxy_temp_path       ${run}/tmp/proxy;
    fastcgi_temp_path     ${run}/tmp/fastcgi;
    uwsgi_temp_path       ${run}/tmp/uwsgi;
    scgi_temp_path        ${run}/tmp/scgi;

    upstream up {
        server ${options.upstream};
        keepalive 8;
    }
${options.http?.extra ?? ""}

    server {
        listen unix:${run}/nginx.sock;

        location / {
${filters}
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_pass ${options.http?.proxyPass ?? "http://up"};
        }
    }
}
`;
}

export class Nginx {
  readonly socket: string;
  readonly errorLogFile: string;
  private exited = false;

  private constructor(
    readonly run: string,
    private readonly child: ChildProcess,
  ) {
    this.socket = join(run, "nginx.sock");
    this.errorLogFile = join(run, "error.log");
    child.on("exit", () => (this.exited = true));
  }

  /** Starts nginx and waits until its worker has loaded the filters (or failed to). */
  static async start(binary: string, options: NginxOptions): Promise<Nginx> {
    const run = mkdtempSync(join(tmpdir(), "pwas-e2e-"));
    mkdirSync(join(run, "tmp"));
    mkdirSync(join(run, "logs")); // nginx opens its default logs/ paths before reading the config
    writeFileSync(join(run, "nginx.conf"), nginxConfiguration(run, options));
    const child = spawn(binary, ["-p", run, "-c", join(run, "nginx.conf")], {
      stdio: ["ignore", "ignore", "pipe"],
      // its own process group, so that stop() can end the worker too should the master hang
      detached: true,
    });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const nginx = new Nginx(run, child);
    // Ready: the socket accepts, and the worker has got past loading every module.
    const loaded = (log: string) =>
      options.filters.every((f) => log.includes(`loaded "${f.name}" module`)) ||
      /failed instantiating|failed initializing|exited (with fatal code|on signal)/.test(log);
    const deadline = Date.now() + START_BOUND_MS;
    while (!(existsSync(nginx.socket) && loaded(nginx.errorLog()))) {
      if (nginx.exited) throw new Error(`nginx exited at start: ${stderr}\n${nginx.errorLog()}`);
      if (Date.now() > deadline) {
        await nginx.stop();
        throw new Error(`nginx did not start within ${START_BOUND_MS} ms:\n${stderr}\n${nginx.errorLog()}`);
      }
      await sleep(50);
    }
    return nginx;
  }

  errorLog(): string {
    return existsSync(this.errorLogFile) ? readFileSync(this.errorLogFile, "utf8") : "";
  }

  /** The error.log lines the filters wrote (ngx_wasm_module tags them `[proxy-wasm]`). */
  filterLines(): string[] {
    return this.errorLog()
      .split("\n")
      .filter((l) => l.includes("[proxy-wasm]"));
  }

  /** Waits (bounded) for a line of error.log matching `pattern`, and returns it. */
  async waitForLog(pattern: RegExp, boundMs = LOG_WAIT_BOUND_MS): Promise<string> {
    const deadline = Date.now() + boundMs;
    for (;;) {
      const line = this.errorLog()
        .split("\n")
        .find((l) => pattern.test(l));
      if (line !== undefined) return line;
      if (Date.now() > deadline)
        throw new Error(`no line matching ${pattern} in error.log within ${boundMs} ms:\n${this.errorLog()}`);
      await sleep(50);
    }
  }

  /** One HTTP/1.1 request through nginx (a new connection each time). */
  request(req: Request = {}): Promise<Reply> {
    return new Promise((done, fail) => {
      const headers: Record<string, string> = { host: "example.com", ...req.headers };
      if (req.body !== undefined) headers["content-length"] = String(Buffer.byteLength(req.body));
      const r = httpRequest(
        { socketPath: this.socket, method: req.method ?? "GET", path: req.path ?? "/", headers, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            done({
              status: res.statusCode ?? 0,
              headers: res.headers,
              rawHeaders: res.rawHeaders,
              body: Buffer.concat(chunks).toString("utf8"),
            }),
          );
          res.on("error", fail);
        },
      );
      r.setTimeout(REQUEST_BOUND_MS, () =>
        r.destroy(new Error(`no answer within ${REQUEST_BOUND_MS} ms:\n${this.errorLog()}`)),
      );
      r.on("error", fail);
      r.end(req.body);
    });
  }

  /** Stops nginx (SIGQUIT: graceful, bounded; then SIGKILL) and removes its folder. */
  async stop(): Promise<void> {
    if (!this.exited) {
      const gone = new Promise<void>((r) => this.child.once("exit", () => r()));
      this.child.kill("SIGQUIT");
      const bound = setTimeout(() => process.kill(-this.child.pid!, "SIGKILL"), 5000);
      await gone;
      clearTimeout(bound);
    }
    try {
      process.kill(-this.child.pid!, "SIGKILL"); // a worker left behind by a master that died
    } catch {
      // none left: the usual case
    }
    rmSync(this.run, { recursive: true, force: true });
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
