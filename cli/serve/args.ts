// `serve`'s command line: parsed and checked up front, so every mistake is one line and
// exit status 2 before anything listens.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { LOG_LEVELS, type LogLevelName } from "../../host/index.js";
import { parseProperty, type PropertySetting } from "./properties.js";
import { readWasmFile, whyUnreadable } from "../read-file.js";
import { one, parseHostPort, parseHttpUrl, parseOptions, UsageError } from "../options.js";

export const SERVE_USAGE = `Usage: proxy-wasm-as serve FILTER.wasm --upstream http://127.0.0.1:PORT [options]
       proxy-wasm-as serve FILTER.wasm --upstream tcp://127.0.0.1:PORT [options]

Runs a local HTTP proxy in front of --upstream that passes every request and response
through the filter in the proxy-wasm-as host emulator, the way Envoy calls it: headers,
streamed body chunks, trailers, local responses, pauses and resumes, HTTP calls, ticks on
the real clock, logs and metrics. With a tcp:// upstream it is a TCP proxy instead: every
connection's bytes go through the filter's TCP callbacks (a network filter, as Envoy's
tcp_proxy runs it). For development only: not a production proxy.

Options:
  --upstream URL        where requests go: http://HOST:PORT (HTTP filters) or
                        tcp://HOST:PORT (network filters)
  --listen HOST:PORT    where the proxy listens (default 127.0.0.1:10000; port 0 = any free port)
  --config CONFIG       the plugin configuration: inline JSON ({...} or [...], checked),
                        @FILE for a file's contents (.json files are checked), or any
                        other text as is (e.g. --config canary); default empty
  --root-id NAME[=CONFIG]
                        a plugin (root id NAME, Envoy's root_id) with its own configuration
                        (same forms as --config; without =CONFIG it gets --config).
                        Repeatable: the plugins share one VM, as Envoy's filters with the
                        same vm_id do; the first serves the traffic, the others run beside it
                        (ticks, queues, HTTP calls). Default: one plugin, root id ""
  --cluster NAME=URL    where the filter's HTTP calls to cluster NAME go (repeatable); calls
                        to other clusters fail with BAD_ARGUMENT, as in Envoy
  --admin HOST:PORT     admin server: GET /stats (metrics, Prometheus text), /ready
  --vm-id ID            the VM id (Envoy's vm_id; default "")
  --vm-config TEXT      the VM configuration (default empty)
  --log-level LEVEL     trace, debug, info (default), warn, error or critical
  --property PATH=VALUE a value for the filter's property reads (repeatable), typed as Envoy
                        types the attribute: e.g. --property xds.route_name=r1,
                        --property source.address=192.168.1.7:4242 (its port goes with it;
                        by default serve takes the addresses from the real connection)
  --buffer-limit BYTES  how much body a paused filter may buffer before serve answers 413
                        (request) / 500 (response), as Envoy's per_connection_buffer_limit_bytes
                        (default 1048576)
  --upstream-timeout MS how long the upstream may take to answer once the request is sent:
                        then 504 "upstream request timeout", as Envoy's route timeout
                        (default 15000; 0 = none)
  --loop-limit N        a callback that runs past N loop iterations and function calls is
                        stopped: its request gets 503, the log names the callback, a fresh VM
                        serves the next ones (default 100 per byte of --buffer-limit,
                        104857600 for 1 MiB, at least 100000000: parsing a 1 MB JSON body
                        counts about 50 million; 0 = no limit, a filter that loops forever
                        then freezes serve)
  --watch               rebuild the filter when its sources change (asc with the project's
                        asconfig.json, found above FILTER.wasm) and serve the new build
                        without closing the listener; after a failed build the last good
                        filter keeps serving
  --help                print this help

Like Envoy: a request the filter pauses is held until the filter resumes it; an upstream
that cannot be reached gets 503, one that does not answer in time 504 (both through the
filter's response callbacks); an absolute-form target (GET http://host/path) gives the
filter :authority from the URL; a filter that traps fails its requests with 503 and a
fresh VM serves the next ones (the trap is shown with its TypeScript lines when the build
left FILTER.wasm.map beside the .wasm); hop-by-hop headers (connection, keep-alive,
proxy-connection, transfer-encoding, upgrade) are removed from requests and responses.
Unlike Envoy: gRPC calls fail (UNAVAILABLE), serve does not make them; a header the filter
set with NUL, CR or LF in it gets 500 and a log line (HTTP/1 cannot carry it).

Exit status: 0 stopped by SIGINT/SIGTERM, 1 could not start (filter failed to load or
configure, address in use), 2 bad usage or input (missing or non-wasm file, bad --config).
`;

/** One plugin (root context) to start on the VM. */
export interface PluginSpec {
  rootId: string;
  configuration: string;
}

export interface ServeOptions {
  file: string;
  wasm: Uint8Array;
  /** http: an HTTP proxy through the filter's HTTP callbacks; tcp: a TCP proxy through its network callbacks. */
  mode: "http" | "tcp";
  upstream: URL;
  listen: { host: string; port: number };
  admin: { host: string; port: number } | null;
  /** At least one; the first serves the traffic. */
  plugins: PluginSpec[];
  clusters: Map<string, URL>;
  vmId: string;
  vmConfiguration: string;
  logLevel: LogLevelName;
  watch: boolean;
  /** --property values, in order. */
  properties: PropertySetting[];
  /** undefined: the Host's default (Envoy's 1 MiB). */
  bufferLimitBytes: number | undefined;
  /** 0: no timeout. */
  upstreamTimeoutMs: number;
  /** null: no limit. */
  loopLimit: number | null;
}

/** Envoy's default route timeout (RouteAction.timeout: 15 s). */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 15_000;
/**
 * The loop limit unless --loop-limit is given: 100 per byte a paused filter may buffer, at
 * least 100 million. Measured: examples/http-body parsing and rewriting a 1.9 MB JSON body in
 * one callback counts between 30 and 100 million (so about 50 a byte); a runaway at 100
 * million is stopped after about 2.5 s.
 */
export function defaultLoopLimit(bufferLimitBytes = 1024 * 1024): number {
  return Math.max(100_000_000, 100 * bufferLimitBytes);
}

const SPEC = {
  upstream: { value: true },
  listen: { value: true },
  config: { value: true, short: "c" },
  cluster: { value: true, multiple: true },
  admin: { value: true },
  "root-id": { value: true, multiple: true },
  watch: {},
  "vm-id": { value: true },
  "vm-config": { value: true },
  "log-level": { value: true },
  property: { value: true, multiple: true },
  "buffer-limit": { value: true },
  "upstream-timeout": { value: true },
  "loop-limit": { value: true },
  help: { short: "h" },
};

/** A whole number from 0 to max (a count of bytes, milliseconds, iterations). */
function wholeNumber<T extends number | undefined>(
  text: string | undefined,
  option: string,
  fallback: T,
  max = Number.MAX_SAFE_INTEGER,
): number | T {
  if (text === undefined) return fallback;
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n <= max)) throw new UsageError(`${option} must be a whole number from 0 to ${max}, got "${text}"`);
  return n;
}

/** JSON.parse with the error rewritten as one line naming the source. */
function checkJson(text: string, source: string, what: string): void {
  try {
    JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what}: ${source} is not valid JSON: ${(e as Error).message.split("\n")[0]}`);
  }
}

/**
 * A plugin configuration as given on the command line: @FILE reads a file, { or [ starts
 * inline JSON, anything else is plain text (Envoy's configuration may be a StringValue such as "canary").
 */
export async function readConfig(value: string | undefined, what = "--config"): Promise<string> {
  if (value === undefined) return "";
  const trimmed = value.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    checkJson(value, "the inline configuration", what);
    return value;
  }
  if (!value.startsWith("@")) {
    // Before @FILE a bare path was read; a bare name of a .json file is surely still meant so.
    if (/\.json$/.test(value) && existsSync(value))
      throw new UsageError(
        `${what}: "${value}" is a file: write ${what.startsWith("--root-id") ? `${what}=` : "--config "}@${value} to use its contents`,
      );
    return value;
  }
  const file = value.slice(1);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new UsageError(`${what}: cannot read ${file}: ${whyUnreadable(e)}`);
  }
  if (file.endsWith(".json") || /^\s*[{[]/.test(text)) checkJson(text, file, what);
  return text;
}

/** `--root-id NAME[=CONFIG]`: the plugins to start, in order. */
async function readPlugins(values: string[], config: string | undefined): Promise<PluginSpec[]> {
  if (values.length === 0) return [{ rootId: "", configuration: await readConfig(config) }];
  const out: PluginSpec[] = [];
  for (const v of values) {
    const eq = v.indexOf("=");
    const rootId = eq < 0 ? v : v.slice(0, eq);
    if (out.some((p) => p.rootId === rootId))
      throw new UsageError(`--root-id ${rootId} given twice: each plugin of a VM needs its own root id`);
    const configuration = eq < 0 ? await readConfig(config) : await readConfig(v.slice(eq + 1), `--root-id ${rootId}`);
    out.push({ rootId, configuration });
  }
  return out;
}

/** --upstream: http://HOST:PORT, or tcp://HOST:PORT for a network filter. */
function parseUpstream(text: string): { mode: "http" | "tcp"; upstream: URL } {
  if (!text.startsWith("tcp://")) return { mode: "http", upstream: parseHttpUrl(text, "--upstream") };
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    // reported below
  }
  if (!url?.hostname || !url.port || (url.pathname !== "" && url.pathname !== "/")) {
    throw new UsageError(
      `--upstream tcp:// needs a host and a port and nothing else (e.g. tcp://127.0.0.1:9000), got "${text}"`,
    );
  }
  return { mode: "tcp", upstream: url };
}

export async function parseServeArgs(args: string[]): Promise<ServeOptions | "help"> {
  const p = parseOptions(args, SPEC);
  if (p.flags.has("help")) return "help";
  if (p.positionals.length === 0) throw new UsageError("no filter given (serve FILTER.wasm --upstream URL)");
  if (p.positionals.length > 1)
    throw new UsageError(`one filter only, got ${p.positionals.length}: ${p.positionals.join(" ")}`);
  const upstreamText = one(p, "upstream");
  if (!upstreamText) throw new UsageError("--upstream URL is required (e.g. --upstream http://127.0.0.1:8080)");
  const { mode, upstream } = parseUpstream(upstreamText);
  const listen = parseHostPort(one(p, "listen") ?? "127.0.0.1:10000", "--listen");
  const adminText = one(p, "admin");
  const admin = adminText === undefined ? null : parseHostPort(adminText, "--admin");
  const clusters = new Map<string, URL>();
  for (const c of p.values.get("cluster") ?? []) {
    const eq = c.indexOf("=");
    if (eq <= 0) throw new UsageError(`--cluster must be NAME=URL (e.g. auth=http://127.0.0.1:9000), got "${c}"`);
    clusters.set(c.slice(0, eq), parseHttpUrl(c.slice(eq + 1), `--cluster ${c.slice(0, eq)}`));
  }
  const logLevel = (one(p, "log-level") ?? "info") as LogLevelName;
  if (!LOG_LEVELS.includes(logLevel))
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(", ")}, got "${logLevel}"`);
  const file = p.positionals[0];
  const wasm = await readWasmFile(file);
  const plugins = await readPlugins(p.values.get("root-id") ?? [], one(p, "config"));
  const bufferLimitBytes = wholeNumber(one(p, "buffer-limit"), "--buffer-limit", undefined, 2 ** 32 - 1);
  return {
    file,
    wasm,
    mode,
    upstream,
    listen,
    admin,
    plugins,
    clusters,
    vmId: one(p, "vm-id") ?? "",
    vmConfiguration: one(p, "vm-config") ?? "",
    logLevel,
    watch: p.flags.has("watch"),
    properties: (p.values.get("property") ?? []).map(parseProperty),
    bufferLimitBytes,
    upstreamTimeoutMs: wholeNumber(
      one(p, "upstream-timeout"),
      "--upstream-timeout",
      DEFAULT_UPSTREAM_TIMEOUT_MS,
      2 ** 31 - 1,
    ),
    loopLimit: wholeNumber(one(p, "loop-limit"), "--loop-limit", defaultLoopLimit(bufferLimitBytes)) || null,
  };
}
