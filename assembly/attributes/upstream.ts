// Upstream attributes (Envoy's `upstream.*`): the host the router or TCP proxy chose. They exist
// once one is chosen (after the request headers left the filter chain; after a TCP connection's
// first callback), so not yet in the request-headers callback. Strings are null when absent,
// integers -1.
import { getPropertyInt, getPropertyString } from "../properties";

/** `upstream.address`: the upstream host's "ip:port". */
export function getUpstreamAddress(): string | null {
  return getPropertyString(["upstream", "address"]);
}

/** `upstream.port`: the upstream host's port; -1 when absent. */
export function getUpstreamPort(): i64 {
  return getPropertyInt(["upstream", "port"], -1);
}

/** `upstream.local_address`: the proxy's "ip:port" on the upstream connection. */
export function getUpstreamLocalAddress(): string | null {
  return getPropertyString(["upstream", "local_address"]);
}

/** `upstream.transport_failure_reason`: why the upstream connection failed ("" when it did not). */
export function getUpstreamTransportFailureReason(): string | null {
  return getPropertyString(["upstream", "transport_failure_reason"]);
}

/** `upstream.tls_version`: the upstream connection's TLS version; null without TLS. */
export function getUpstreamTlsVersion(): string | null {
  return getPropertyString(["upstream", "tls_version"]);
}

/** `upstream.subject_local_certificate`: the subject of the proxy's client certificate. */
export function getUpstreamSubjectLocalCertificate(): string | null {
  return getPropertyString(["upstream", "subject_local_certificate"]);
}

/** `upstream.subject_peer_certificate`: the subject of the upstream's certificate. */
export function getUpstreamSubjectPeerCertificate(): string | null {
  return getPropertyString(["upstream", "subject_peer_certificate"]);
}

/** `upstream.uri_san_local_certificate`: the first URI SAN of the proxy's client certificate. */
export function getUpstreamUriSanLocalCertificate(): string | null {
  return getPropertyString(["upstream", "uri_san_local_certificate"]);
}

/** `upstream.uri_san_peer_certificate`: the first URI SAN of the upstream's certificate. */
export function getUpstreamUriSanPeerCertificate(): string | null {
  return getPropertyString(["upstream", "uri_san_peer_certificate"]);
}

/** `upstream.dns_san_local_certificate`: the first DNS SAN of the proxy's client certificate. */
export function getUpstreamDnsSanLocalCertificate(): string | null {
  return getPropertyString(["upstream", "dns_san_local_certificate"]);
}

/** `upstream.dns_san_peer_certificate`: the first DNS SAN of the upstream's certificate. */
export function getUpstreamDnsSanPeerCertificate(): string | null {
  return getPropertyString(["upstream", "dns_san_peer_certificate"]);
}

/** `upstream.sha256_peer_certificate_digest`: hex SHA-256 of the upstream's certificate. */
export function getUpstreamSha256PeerCertificateDigest(): string | null {
  return getPropertyString(["upstream", "sha256_peer_certificate_digest"]);
}

/** `upstream.request_attempt_count`: how many times the request was sent upstream (0 before the first); -1 when absent. */
export function getUpstreamRequestAttemptCount(): i64 {
  return getPropertyInt(["upstream", "request_attempt_count"], -1);
}

/** `upstream.num_endpoints`: the number of endpoints of the upstream cluster; -1 when absent. */
export function getUpstreamNumEndpoints(): i64 {
  return getPropertyInt(["upstream", "num_endpoints"], -1);
}
