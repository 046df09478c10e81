// A small option parser shared by init, serve and package: `--name value`, `--name=value`,
// short aliases, repeatable options and flags. Bad usage throws UsageError (one clear line).

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
  const out: ParsedOptions = { positionals: [], values: new Map(), flags: new Set() };
  const byShort = new Map(Object.entries(spec).filter(([, s]) => s.short).map(([name, s]) => [s.short!, name]));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      out.positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      out.positionals.push(arg);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
    } else {
      const n = byShort.get(arg.slice(1, 2));
      if (!n || (arg.length > 2 && !spec[n].value)) throw new UsageError(`unknown option ${arg}`);
      name = n;
      inline = arg.length > 2 ? arg.slice(2) : undefined;
    }
    const s = spec[name];
    if (!s) throw new UsageError(`unknown option ${arg.split("=")[0]}`);
    if (!s.value) {
      if (inline !== undefined) throw new UsageError(`option --${name} takes no value`);
      out.flags.add(name);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= args.length) throw new UsageError(`option --${name} needs a value`);
      value = args[++i];
    }
    const list = out.values.get(name) ?? [];
    if (list.length > 0 && !s.multiple) throw new UsageError(`option --${name} given twice`);
    list.push(value);
    out.values.set(name, list);
  }
  return out;
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
  if (url.protocol !== "http:") throw new UsageError(`${what} must be an http:// URL (https is not supported), got "${text}"`);
  return url;
}
