// Request attributes (Envoy's `request.*`): what the proxy knows of the downstream request.
// Those taken from the request headers (path, host, method, headers, ...) exist while Envoy's
// context points at the header map: in onRequestHeaders until it returns Continue (or the
// stream is continued), and in onLog. Time and sizes exist throughout, on TCP connections too.
// Strings are null when absent; integers and times are -1 when absent.
import { HeaderPair } from "../runtime/pairs";
import { getPropertyInt, getPropertyMap, getPropertyString } from "../properties";

/** `request.path`: the :path header, query included. */
export function getRequestPath(): string | null {
  return getPropertyString(["request", "path"]);
}

/** `request.url_path`: the path without the query. */
export function getRequestUrlPath(): string | null {
  return getPropertyString(["request", "url_path"]);
}

/** `request.query`: the query without "?" ("" when there is none). */
export function getRequestQuery(): string | null {
  return getPropertyString(["request", "query"]);
}

/** `request.host`: the :authority header. */
export function getRequestHost(): string | null {
  return getPropertyString(["request", "host"]);
}

/** `request.scheme`: the :scheme header. */
export function getRequestScheme(): string | null {
  return getPropertyString(["request", "scheme"]);
}

/** `request.method`: the :method header. */
export function getRequestMethod(): string | null {
  return getPropertyString(["request", "method"]);
}

/** `request.referer`: the referer header. */
export function getRequestReferer(): string | null {
  return getPropertyString(["request", "referer"]);
}

/** `request.useragent`: the user-agent header. */
export function getRequestUserAgent(): string | null {
  return getPropertyString(["request", "useragent"]);
}

/** `request.id`: the x-request-id header. */
export function getRequestId(): string | null {
  return getPropertyString(["request", "id"]);
}

/** `request.protocol`: "HTTP/1.0", "HTTP/1.1", "HTTP/2" or "HTTP/3". */
export function getRequestProtocol(): string | null {
  return getPropertyString(["request", "protocol"]);
}

/** `request.headers`: one pair per header name, repeated values joined by ",". */
export function getRequestHeaders(): HeaderPair[] | null {
  return getPropertyMap(["request", "headers"]);
}

/** `request.headers[name]`: all values of one header joined by ",", null when absent. */
export function getRequestHeader(name: string): string | null {
  return getPropertyString(["request", "headers", name]);
}

/** `request.time`: when the request began, in nanoseconds since the Unix epoch; -1 when absent. */
export function getRequestTime(): i64 {
  return getPropertyInt(["request", "time"], -1);
}

/** `request.duration`: nanoseconds from the first to the last byte of the request; -1 until it is complete. */
export function getRequestDuration(): i64 {
  return getPropertyInt(["request", "duration"], -1);
}

/** `request.size`: the body size (content-length, else bytes received so far); -1 when absent. */
export function getRequestSize(): i64 {
  return getPropertyInt(["request", "size"], -1);
}

/** `request.total_size`: body and header bytes received; -1 when absent. */
export function getRequestTotalSize(): i64 {
  return getPropertyInt(["request", "total_size"], -1);
}

/** `request.headers_bytes`: the size of the request headers (names and values); -1 when absent. */
export function getRequestHeadersBytes(): i64 {
  return getPropertyInt(["request", "headers_bytes"], -1);
}
