// Envoy's clear_route_cache: after a filter changed request headers that route matching reads,
// Envoy picks the route again. Outside Envoy (or on a proxy without it) the status says so.
import { callForeignFunction } from "../foreign-function";
import { Status } from "../types";

/** Makes Envoy match the route again; OK, or the host's status (NOT_FOUND where there is no such function). */
export function clearRouteCache(): Status {
  return callForeignFunction("clear_route_cache", null).status;
}
