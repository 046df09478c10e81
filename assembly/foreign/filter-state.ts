// Envoy's set_envoy_filter_state: stores an object in the stream's filter state through the
// object factory Envoy registered for the key (e.g. "envoy.tcp_proxy.cluster" picks the TCP
// proxy's cluster, "envoy.network.upstream_server_name" the upstream SNI). The argument is a
// SetEnvoyFilterStateArguments message (path = 1, value = 2, span = 3). Read the state back
// with getFilterState (attributes/metadata).
import { callForeignFunction } from "../foreign-function";
import { Status } from "../types";
import { ProtoWriter } from "./protobuf";

/** How long a filter-state object lives (Envoy's LifeSpan of declare_property.proto). */
export enum FilterStateLifeSpan {
  FilterChain = 0,
  DownstreamRequest = 1,
  DownstreamConnection = 2,
}

/**
 * Sets filter state `key` from `value` (the factory's input, usually the text of the value).
 * OK; NOT_FOUND when Envoy has no factory for the key or no stream here (plugin context);
 * BAD_ARGUMENT when the factory refuses the value; the host's status elsewhere.
 */
export function setEnvoyFilterState(key: string, value: string,
  span: FilterStateLifeSpan = FilterStateLifeSpan.FilterChain): Status {
  const args = new ProtoWriter().string(1, key).string(2, value).uint(3, <u64>span).finish();
  return callForeignFunction("set_envoy_filter_state", args).status;
}
