// The stream's dynamic metadata (Envoy's `metadata`, set by other filters) and filter state
// (`filter_state`, objects other filters or set_envoy_filter_state stored under a key).
import { getProperty, getPropertyString } from "../properties";

/** `metadata.filter_metadata[namespace][key]` as a string, null when absent. */
export function getMetadataValue(namespace: string, key: string): string | null {
  return getPropertyString(["metadata", "filter_metadata", namespace, key]);
}

/** `filter_state[key]`: the object's bytes as Envoy serializes it, null when absent. */
export function getFilterState(key: string): ArrayBuffer | null {
  return getProperty(["filter_state", key]);
}

/** `filter_state[key]` as UTF-8 text (string objects such as envoy.string), null when absent. */
export function getFilterStateString(key: string): string | null {
  return getPropertyString(["filter_state", key]);
}

/** `upstream_filter_state[key]`: filter state of the upstream connection, null when absent. */
export function getUpstreamFilterState(key: string): ArrayBuffer | null {
  return getProperty(["upstream_filter_state", key]);
}
