// The two ends of the downstream connection (Envoy's `source.*` and `destination.*`): the
// client's address and the address it connected to. Addresses are "ip:port" ("[v6]:port").
import { getPropertyInt, getPropertyString } from "../properties";

/** `source.address`: the client's "ip:port". */
export function getSourceAddress(): string | null {
  return getPropertyString(["source", "address"]);
}

/** `source.port`: the client's port; -1 when absent. */
export function getSourcePort(): i64 {
  return getPropertyInt(["source", "port"], -1);
}

/** `destination.address`: the local "ip:port" the client connected to. */
export function getDestinationAddress(): string | null {
  return getPropertyString(["destination", "address"]);
}

/** `destination.port`: the local port the client connected to; -1 when absent. */
export function getDestinationPort(): i64 {
  return getPropertyInt(["destination", "port"], -1);
}

/** The IP part of an Envoy address: "10.0.0.1:5000" → "10.0.0.1", "[::1]:5000" → "::1"; others as they are. */
export function addressHost(address: string): string {
  if (address.startsWith("[")) {
    const end = address.indexOf("]");
    return end > 0 ? address.substring(1, end) : address;
  }
  const colon = address.lastIndexOf(":");
  // One colon: IPv4 with a port. None, or several (bare IPv6, a pipe path): no port to strip.
  return colon > 0 && address.indexOf(":") == colon ? address.substring(0, colon) : address;
}
