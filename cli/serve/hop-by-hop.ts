// Hop-by-hop headers: they describe one connection, not the message, so a proxy drops them.
// Envoy's connection manager removes these from every request and response it proxies
// (source/common/http/conn_manager_utility.cc: mutateRequestHeaders, mutateResponseHeaders;
// Upgrade requests aside), so a filter never sees them; serve does the same, for the
// upstream's responses and for the answers to the filter's HTTP calls.
export const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"]);

/** Headers Node writes itself (framing): never copied from one connection to another. */
export const WIRE_ONLY = new Set([...HOP_BY_HOP, "te", "trailer"]);

export function withoutHopByHop(pairs: [string, string][]): [string, string][] {
  return pairs.filter(([k]) => !HOP_BY_HOP.has(k));
}
