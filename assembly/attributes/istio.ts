// Istio's attributes: the proxy's own workload (node metadata Istio's agent writes) and the
// peers Istio's metadata exchange found, stored as filter state "downstream_peer" and
// "upstream_peer" with fields "workload", "namespace", "cluster", "service", "revision", "app",
// "version", "type", "name". Null when absent (outside a mesh, or before the exchange). Older Istio
// (its Wasm-based metadata exchange) kept peers as FlatBuffers under "wasm.downstream_peer";
// those are not decoded here.
import { HeaderPair } from "../runtime/pairs";
import { getPropertyString } from "../properties";
import { getNodeMetadataMap, getNodeMetadataValue } from "./xds";

/** Node metadata MESH_ID: the mesh this proxy belongs to. */
export function getIstioMeshId(): string | null {
  return getNodeMetadataValue("MESH_ID");
}

/** Node metadata CLUSTER_ID: the Kubernetes cluster of this proxy. */
export function getIstioClusterId(): string | null {
  return getNodeMetadataValue("CLUSTER_ID");
}

/** Node metadata NAMESPACE: this workload's namespace. */
export function getIstioNamespace(): string | null {
  return getNodeMetadataValue("NAMESPACE");
}

/** Node metadata WORKLOAD_NAME: this workload's name (e.g. the Deployment). */
export function getIstioWorkloadName(): string | null {
  return getNodeMetadataValue("WORKLOAD_NAME");
}

/** Node metadata LABELS: this workload's labels. */
export function getIstioLabels(): HeaderPair[] | null {
  return getNodeMetadataMap("LABELS");
}

/** A field of the client's workload (filter_state.downstream_peer[field]). */
export function getDownstreamPeer(field: string): string | null {
  return getPropertyString(["filter_state", "downstream_peer", field]);
}

/** A field of the server's workload (filter_state.upstream_peer[field]). */
export function getUpstreamPeer(field: string): string | null {
  return getPropertyString(["filter_state", "upstream_peer", field]);
}

/** The client's workload name. */
export function getDownstreamPeerWorkload(): string | null {
  return getDownstreamPeer("workload");
}

/** The client's namespace. */
export function getDownstreamPeerNamespace(): string | null {
  return getDownstreamPeer("namespace");
}

/** The client's canonical service. */
export function getDownstreamPeerService(): string | null {
  return getDownstreamPeer("service");
}

/** The client's cluster. */
export function getDownstreamPeerCluster(): string | null {
  return getDownstreamPeer("cluster");
}

/** The server's workload name. */
export function getUpstreamPeerWorkload(): string | null {
  return getUpstreamPeer("workload");
}

/** The server's namespace. */
export function getUpstreamPeerNamespace(): string | null {
  return getUpstreamPeer("namespace");
}

/** The server's canonical service. */
export function getUpstreamPeerService(): string | null {
  return getUpstreamPeer("service");
}

/** The server's cluster. */
export function getUpstreamPeerCluster(): string | null {
  return getUpstreamPeer("cluster");
}
