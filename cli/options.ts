// Option parsing shared by init, serve and package, on node:util's parseArgs: `--name value`,
// `--name=value`, short aliases, repeatable options and flags. What parseArgs leaves to us: an
// option given twice that is not repeatable is an error (parseArgs keeps the last silently),
// and its errors become one short line (UsageError) in our words.
import { parseArgs } from "node:util";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface OptionSpec {
  /** Takes a value (`--upstream URL`); otherwise it is a flag. */
  value?: boolean;
  /** May be given more than once (values accumulate). */
  multiple?: boolean;
  /** One-letter alias, without the dash. */
  short?: string;
}

export interface ParsedOptions {
  positionals: string[];
  values: Map<string, string[]>;
  flags: Set<string>;
}

export function parseOptions(args: string[], spec: Record<string, OptionSpec>): ParsedOptions {
  const options = Object.fromEntries(
    Object.entries(spec).map(([name, s]) => [
      name,
      {
        type: s.value ? ("string" as const) : ("boolean" as const),
        multiple: true,
        ...(s.short && { short: s.short }),
      },
    ]),
  );
  const config = { args, options, strict: true, allowPositionals: true, tokens: true } as const;
  let tokens: ReturnType<typeof parseArgs<typeof config>>["tokens"];
  try {
    tokens = parseArgs(config).tokens;
  } catch (e) {
    throw new UsageError(parseArgsMessage(e as Error & { code?: string }));
  }
  const out: ParsedOptions = { positionals: [], values: new Map(), flags: new Set() };
  for (const t of tokens) {
    if (t.kind === "positional") out.positionals.push(t.value);
    if (t.kind !== "option") continue;
    if (!spec[t.name].value) {
      out.flags.add(t.name);
      continue;
    }
    const list = out.values.get(t.name) ?? [];
    if (list.length > 0 && !spec[t.name].multiple) throw new UsageError(`option --${t.name} given twice`);
    list.push(t.value!);
    out.values.set(t.name, list);
  }
  return out;
}

/** parseArgs's error as one line: which option, and what is wrong with it. */
function parseArgsMessage(e: Error & { code?: string }): string {
  const option = /'(-[^' ]+)/.exec(e.message)?.[1] ?? "";
  if (e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option ${option}`;
  if (e.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    if (/does not take an argument/.test(e.message)) return `option ${option} takes no value`;
    if (/ambiguous/.test(e.message))
      return `option ${option} needs a value (for a value starting with -, write ${option}=VALUE)`;
    return `option ${option} needs a value`;
  }
  return e.message.split("\n")[0];
}

/** The single value of an option, or undefined. */
export function one(p: ParsedOptions, name: string): string | undefined {
  return p.values.get(name)?.[0];
}

/** Parses HOST:PORT (or just PORT) for a listening address; port 0 = any free port. */
export function parseHostPort(text: string, what: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text) ?? /^()()(\d+)$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`${what} must be HOST:PORT (e.g. 127.0.0.1:10000), got "${text}"`);
  }
  return { host: m[1] || m[2] || "127.0.0.1", port };
}

/** Parses an http:// URL with a host (the only scheme serve speaks). */
export function parseHttpUrl(text: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${what} must be an http:// URL (e.g. http://127.0.0.1:8080), got "${text}"`);
  }
  if (url.protocol !== "http:")
    throw new UsageError(`${what} must be an http:// URL (https is not supported), got "${text}"`);
  return url;
}
