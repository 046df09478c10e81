// `serve --property PATH=VALUE`: values for the filter's property reads (route name, source
// address, metadata...), typed as Envoy types the attribute (source.port an int, ...); and the
// properties of each connection, which serve takes from the real sockets unless given.
import type { Socket } from "node:net";
import { ATTRIBUTE_KINDS, type PropertyValue } from "../../host/index.js";
import { UsageError } from "../options.js";

export type PropertySetting = [path: string, value: PropertyValue];

/** PATH=VALUE → the path and the value in the attribute's type (text for paths Envoy does not type). */
export function parseProperty(text: string): PropertySetting {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new UsageError(`--property must be PATH=VALUE (e.g. xds.route_name=r1), got "${text}"`);
  const path = text.slice(0, eq);
  const raw = text.slice(eq + 1);
  const kind = ATTRIBUTE_KINDS[path] ?? "string";
  const bad = (what: string) => new UsageError(`--property ${path} is ${what} in Envoy, got "${raw}"`);
  switch (kind) {
    case "int":
    case "uint":
    case "duration":
      if (!/^-?\d+$/.test(raw) || (kind === "uint" && raw.startsWith("-")))
        throw bad(kind === "duration" ? "a duration (give nanoseconds)" : `an integer (${kind})`);
      return [path, BigInt(raw)];
    case "timestamp": {
      if (/^\d+$/.test(raw)) return [path, BigInt(raw)];
      const ms = Date.parse(raw);
      if (Number.isNaN(ms)) throw bad("a timestamp (nanoseconds since the epoch, or an ISO date)");
      return [path, BigInt(ms) * 1_000_000n];
    }
    case "double": {
      const n = Number(raw);
      if (raw.trim() === "" || Number.isNaN(n)) throw bad("a number (double)");
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setFloat64(0, n, true); // as a double even when integral
      return [path, bytes];
    }
    case "bool":
      if (raw !== "true" && raw !== "false") throw bad("a boolean (true or false)");
      return [path, raw === "true"];
    case "map": {
      let map: unknown;
      try {
        map = JSON.parse(raw);
      } catch {
        throw bad('a map (give a JSON object of strings, e.g. {"k":"v"})');
      }
      if (
        !map ||
        typeof map !== "object" ||
        Array.isArray(map) ||
        !Object.values(map).every((v) => typeof v === "string")
      ) {
        throw bad('a map (give a JSON object of strings, e.g. {"k":"v"})');
      }
      return [path, map as Record<string, string>];
    }
    case "list":
      throw bad("a list, which --property cannot give");
    default:
      return [path, raw];
  }
}

interface PropertyTarget {
  setProperty(path: string, value: PropertyValue): void;
}

/**
 * The connection's addresses from the real sockets, then the --property values, which win: a
 * given source.address also replaces the socket's source.port (its port goes with it).
 */
export function setConnectionProperties(stream: PropertyTarget, socket: Socket, given: PropertySetting[]): void {
  const paths = new Set(given.map(([p]) => p));
  const own: PropertySetting[] = [
    ["source.address", `${socket.remoteAddress}:${socket.remotePort}`],
    ["source.port", socket.remotePort ?? 0],
    ["destination.address", `${socket.localAddress}:${socket.localPort}`],
    ["destination.port", socket.localPort ?? 0],
  ];
  for (const [path, value] of own) {
    const address = path.replace(/\.port$/, ".address");
    if (paths.has(path) || paths.has(address)) continue;
    stream.setProperty(path, value);
  }
  for (const [path, value] of given) {
    stream.setProperty(path, value);
    if (path.endsWith(".address") && !paths.has(path.replace(/address$/, "port"))) {
      const port = /:(\d+)$/.exec(String(value))?.[1];
      if (port) stream.setProperty(path.replace(/address$/, "port"), BigInt(port));
    }
  }
}
