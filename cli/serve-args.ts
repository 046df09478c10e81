// `serve`'s command line: parsed and checked up front, so every mistake is one line and
// exit status 2 before anything listens.
import { readFile } from "node:fs/promises";
import { LOG_LEVELS, type LogLevelName } from "../host/index.js";
import { one, parseHostPort, parseHttpUrl, parseOptions, UsageError } from "./options.js";

export const SERVE_USAGE = `Usage: proxy-wasm-as serve FILTER.wasm --upstream http://127.0.0.1:PORT [options]

Runs a local HTTP proxy in front of --upstream that passes every request and response
through the filter in the proxy-wasm-as host emulator, the way Envoy calls it: headers,
streamed body chunks, trailers, local responses, pauses and resumes, HTTP calls, ticks on
the real clock, logs and metrics. For development only: not a production proxy.

Options:
  --upstream URL        where requests go (http:// only), e.g. http://127.0.0.1:8080
  --listen HOST:PORT    where the proxy listens (default 127.0.0.1:10000; port 0 = any free port)
  --config FILE|JSON    the plugin configuration: inline JSON, or a file (.json files are
                        checked to be valid JSON); default empty
  --cluster NAME=URL    where the filter's HTTP calls to cluster NAME go (repeatable); calls
                        to other clusters fail with BAD_ARGUMENT, as in Envoy
  --admin HOST:PORT     admin server: GET /stats (metrics, Prometheus text), /ready
  --root-id ID          the plugin's root id (Envoy's root_id; default "")
  --vm-id ID            the VM id (Envoy's vm_id; default "")
  --vm-config TEXT      the VM configuration (default empty)
  --log-level LEVEL     trace, debug, info (default), warn, error or critical
  --help                print this help

Like Envoy: a request the filter pauses is held until the filter resumes it; an upstream
that cannot be reached gets 503 (through the filter's response callbacks); a filter that
traps fails its requests with 503 and a fresh VM serves the next ones. gRPC calls fail
(UNAVAILABLE): serve does not make them.

Exit status: 0 stopped by SIGINT/SIGTERM, 1 could not start (filter failed to load or
configure, address in use), 2 bad usage or input (missing or non-wasm file, bad --config).
`;

export interface ServeOptions {
  file: string;
  wasm: Uint8Array;
  upstream: URL;
  listen: { host: string; port: number };
  admin: { host: string; port: number } | null;
  configuration: string;
  clusters: Map<string, URL>;
  rootId: string;
  vmId: string;
  vmConfiguration: string;
  logLevel: LogLevelName;
}

const SPEC = {
  upstream: { value: true },
  listen: { value: true },
  config: { value: true, short: "c" },
  cluster: { value: true, multiple: true },
  admin: { value: true },
  "root-id": { value: true },
  "vm-id": { value: true },
  "vm-config": { value: true },
  "log-level": { value: true },
  help: { short: "h" },
};

/** Reads a .wasm file: one clear UsageError when it is missing or not WebAssembly. */
export async function readWasm(file: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (e as Error).message;
    throw new UsageError(`${file}: cannot read the file: ${why}`);
  }
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new UsageError(`${file}: not a WebAssembly module (no \\0asm header)`);
  }
  return bytes;
}

/** JSON.parse with the error rewritten as one line naming the source. */
function checkJson(text: string, source: string): void {
  try {
    JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--config: ${source} is not valid JSON: ${(e as Error).message.split("\n")[0]}`);
  }
}

/** --config: inline JSON when it starts with { or [, otherwise a file. */
export async function readConfig(value: string | undefined): Promise<string> {
  if (value === undefined) return "";
  const trimmed = value.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    checkJson(value, "the inline configuration");
    return value;
  }
  let text: string;
  try {
    text = await readFile(value, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file (inline JSON must start with { or [)" : (e as Error).message;
    throw new UsageError(`--config: cannot read ${value}: ${why}`);
  }
  if (value.endsWith(".json") || /^\s*[{[]/.test(text)) checkJson(text, value);
  return text;
}

export async function parseServeArgs(args: string[]): Promise<ServeOptions | "help"> {
  const p = parseOptions(args, SPEC);
  if (p.flags.has("help")) return "help";
  if (p.positionals.length === 0) throw new UsageError("no filter given (serve FILTER.wasm --upstream URL)");
  if (p.positionals.length > 1) throw new UsageError(`one filter only, got ${p.positionals.length}: ${p.positionals.join(" ")}`);
  const upstreamText = one(p, "upstream");
  if (!upstreamText) throw new UsageError("--upstream URL is required (e.g. --upstream http://127.0.0.1:8080)");
  const upstream = parseHttpUrl(upstreamText, "--upstream");
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
  if (!LOG_LEVELS.includes(logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(", ")}, got "${logLevel}"`);
  const file = p.positionals[0];
  const wasm = await readWasm(file);
  const configuration = await readConfig(one(p, "config"));
  return {
    file,
    wasm,
    upstream,
    listen,
    admin,
    configuration,
    clusters,
    rootId: one(p, "root-id") ?? "",
    vmId: one(p, "vm-id") ?? "",
    vmConfiguration: one(p, "vm-config") ?? "",
    logLevel,
  };
}
