// Response attributes (Envoy's `response.*`): the code and its details once the response
// started; the headers and trailers while Envoy's context points at them (their callback until
// Continue, and onLog); sizes throughout (final in onLog). Strings are null when absent;
// integers are -1 when absent.
import { HeaderPair } from "../runtime/pairs";
import { getPropertyInt, getPropertyMap, getPropertyString } from "../properties";

/** `response.code`: the HTTP status sent downstream; -1 before there is one. */
export function getResponseCode(): i64 {
  return getPropertyInt(["response", "code"], -1);
}

/** `response.code_details`: why that status ("via_upstream", a local response's details, ...). */
export function getResponseCodeDetails(): string | null {
  return getPropertyString(["response", "code_details"]);
}

/** `response.flags`: Envoy's response flags as a bit set (0: none); -1 when absent. */
export function getResponseFlags(): i64 {
  return getPropertyInt(["response", "flags"], -1);
}

/** `response.grpc_status`: grpc-status of the trailers or headers, else inferred from the HTTP status; -1 when absent. */
export function getResponseGrpcStatus(): i64 {
  return getPropertyInt(["response", "grpc_status"], -1);
}

/** `response.headers`: one pair per header name, repeated values joined by ",". */
export function getResponseHeaders(): HeaderPair[] | null {
  return getPropertyMap(["response", "headers"]);
}

/** `response.headers[name]`, null when absent. */
export function getResponseHeader(name: string): string | null {
  return getPropertyString(["response", "headers", name]);
}

/** `response.trailers`: one pair per trailer name. */
export function getResponseTrailers(): HeaderPair[] | null {
  return getPropertyMap(["response", "trailers"]);
}

/** `response.trailers[name]`, null when absent. */
export function getResponseTrailer(name: string): string | null {
  return getPropertyString(["response", "trailers", name]);
}

/** `response.size`: body bytes sent downstream so far; -1 when absent. */
export function getResponseSize(): i64 {
  return getPropertyInt(["response", "size"], -1);
}

/** `response.total_size`: body, header and trailer bytes sent; -1 when absent. */
export function getResponseTotalSize(): i64 {
  return getPropertyInt(["response", "total_size"], -1);
}

/** `response.headers_bytes`: the size of the response headers; -1 when absent. */
export function getResponseHeadersBytes(): i64 {
  return getPropertyInt(["response", "headers_bytes"], -1);
}

/** `response.backend_latency`: nanoseconds from the first byte sent upstream to the last byte received; -1 when absent. */
export function getResponseBackendLatency(): i64 {
  return getPropertyInt(["response", "backend_latency"], -1);
}
