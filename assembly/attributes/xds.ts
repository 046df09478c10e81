// Configuration attributes (Envoy's `xds.*`): the node, and the cluster, route, virtual host,
// listener and upstream host serving this stream. Envoy before 1.29 had them at the top level
// (["route_name"], ["cluster_metadata", ...]); each getter asks for ["xds", ...] first and
// falls back to the old path when the proxy does not know it. Metadata values are read one key
// at a time below `filter_metadata` (a string; numbers come as 8-byte doubles, read them with
// getPropertyFloat); the whole message is protobuf (envoy.config.core.v3.Metadata).
import { decodePairs, HeaderPair } from "../runtime/pairs";
import { getProperty, getPropertyInt } from "../properties";

/** The bytes of ["xds", ...path], else of the pre-1.29 top-level path; null when neither exists. */
export function getXdsProperty(path: string[]): ArrayBuffer | null {
  const value = getProperty(["xds"].concat(path));
  return value !== null ? value : getProperty(path);
}

function xdsString(path: string[]): string | null {
  const value = getXdsProperty(path);
  return value === null ? null : String.UTF8.decode(value);
}

/** `xds.node.id`: the proxy's node id (in Istio "sidecar~10.0.0.1~pod.namespace~..."). */
export function getNodeId(): string | null {
  return xdsString(["node", "id"]);
}

/** `xds.node.cluster`: the proxy's service cluster. */
export function getNodeCluster(): string | null {
  return xdsString(["node", "cluster"]);
}

/** `xds.node.metadata[key]` as a string (Istio's node metadata lives here). */
export function getNodeMetadataValue(key: string): string | null {
  return xdsString(["node", "metadata", key]);
}

/** `xds.node.metadata[key]` as a map (e.g. Istio's LABELS). */
export function getNodeMetadataMap(key: string): HeaderPair[] | null {
  const value = getXdsProperty(["node", "metadata", key]);
  return value === null ? null : decodePairs(value);
}

/** `xds.cluster_name`: the upstream cluster (Istio: "outbound|80||svc.ns.svc.cluster.local"). */
export function getClusterName(): string | null {
  return xdsString(["cluster_name"]);
}

/** `xds.route_name`: the name of the route the request matched ("" for an unnamed route). */
export function getRouteName(): string | null {
  return xdsString(["route_name"]);
}

/** `xds.virtual_host_name`: the virtual host the request matched. */
export function getVirtualHostName(): string | null {
  return xdsString(["virtual_host_name"]);
}

/** `xds.filter_chain_name`: the listener filter chain serving the connection. */
export function getFilterChainName(): string | null {
  return xdsString(["filter_chain_name"]);
}

/** `xds.listener_direction`: 0 unspecified, 1 inbound, 2 outbound; -1 when absent. */
export function getListenerDirection(): i64 {
  const value = getProperty(["xds", "listener_direction"]);
  if (value !== null && value.byteLength == 8) return load<i64>(changetype<usize>(value));
  return getPropertyInt(["listener_direction"], -1);
}

/** `xds.route_metadata.filter_metadata[namespace][key]` as a string. */
export function getRouteMetadataValue(namespace: string, key: string): string | null {
  return xdsString(["route_metadata", "filter_metadata", namespace, key]);
}

/** `xds.cluster_metadata.filter_metadata[namespace][key]` as a string. */
export function getClusterMetadataValue(namespace: string, key: string): string | null {
  return xdsString(["cluster_metadata", "filter_metadata", namespace, key]);
}

/** `xds.virtual_host_metadata.filter_metadata[namespace][key]` as a string. */
export function getVirtualHostMetadataValue(namespace: string, key: string): string | null {
  return xdsString(["virtual_host_metadata", "filter_metadata", namespace, key]);
}

/** `xds.upstream_host_metadata.filter_metadata[namespace][key]` as a string. */
export function getUpstreamHostMetadataValue(namespace: string, key: string): string | null {
  return xdsString(["upstream_host_metadata", "filter_metadata", namespace, key]);
}

/** `xds.listener_metadata.filter_metadata[namespace][key]` as a string. */
export function getListenerMetadataValue(namespace: string, key: string): string | null {
  return xdsString(["listener_metadata", "filter_metadata", namespace, key]);
}
