// Downstream connection attributes (Envoy's `connection.*`), on HTTP streams and TCP
// connections. The TLS ones exist only on a TLS connection; strings are null when absent.
import { getPropertyBool, getPropertyInt, getPropertyString } from "../properties";

/** `connection.id`: the downstream connection's id (unique in the proxy); -1 when absent. */
export function getConnectionId(): i64 {
  return getPropertyInt(["connection", "id"], -1);
}

/** `connection.mtls`: the client presented a certificate over TLS; false when absent. */
export function getConnectionMtls(): bool {
  return getPropertyBool(["connection", "mtls"], false);
}

/** `connection.requested_server_name`: the TLS SNI ("" without one). */
export function getConnectionRequestedServerName(): string | null {
  return getPropertyString(["connection", "requested_server_name"]);
}

/** `connection.tls_version`: e.g. "TLSv1.3"; null on a plain-text connection. */
export function getConnectionTlsVersion(): string | null {
  return getPropertyString(["connection", "tls_version"]);
}

/** `connection.subject_local_certificate`: the subject of the proxy's certificate. */
export function getConnectionSubjectLocalCertificate(): string | null {
  return getPropertyString(["connection", "subject_local_certificate"]);
}

/** `connection.subject_peer_certificate`: the subject of the client's certificate. */
export function getConnectionSubjectPeerCertificate(): string | null {
  return getPropertyString(["connection", "subject_peer_certificate"]);
}

/** `connection.uri_san_local_certificate`: the first URI SAN of the proxy's certificate. */
export function getConnectionUriSanLocalCertificate(): string | null {
  return getPropertyString(["connection", "uri_san_local_certificate"]);
}

/** `connection.uri_san_peer_certificate`: the first URI SAN of the client's certificate (a SPIFFE id in a mesh). */
export function getConnectionUriSanPeerCertificate(): string | null {
  return getPropertyString(["connection", "uri_san_peer_certificate"]);
}

/** `connection.dns_san_local_certificate`: the first DNS SAN of the proxy's certificate. */
export function getConnectionDnsSanLocalCertificate(): string | null {
  return getPropertyString(["connection", "dns_san_local_certificate"]);
}

/** `connection.dns_san_peer_certificate`: the first DNS SAN of the client's certificate. */
export function getConnectionDnsSanPeerCertificate(): string | null {
  return getPropertyString(["connection", "dns_san_peer_certificate"]);
}

/** `connection.sha256_peer_certificate_digest`: hex SHA-256 of the client's certificate. */
export function getConnectionSha256PeerCertificateDigest(): string | null {
  return getPropertyString(["connection", "sha256_peer_certificate_digest"]);
}

/** `connection.termination_details`: why the proxy closed the connection, when it did. */
export function getConnectionTerminationDetails(): string | null {
  return getPropertyString(["connection", "termination_details"]);
}

/** `connection.transport_failure_reason`: why the downstream TLS handshake failed, when it did. */
export function getConnectionTransportFailureReason(): string | null {
  return getPropertyString(["connection", "transport_failure_reason"]);
}
