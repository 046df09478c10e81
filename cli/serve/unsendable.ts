// Headers a filter set that HTTP/1 cannot carry: NUL, CR or LF in a name or value (or a name
// that is not a token, a path with spaces or control characters). Envoy's Wasm context does not
// check what a filter adds (Context::addHeaderMapValue / replaceHeaderMapValue copy the bytes,
// source/extensions/common/wasm/context.cc); Node refuses to write them, which would drop the
// connection. serve finds them first and answers the request with a status and a log line.
import http from "node:http";

type Pair = [string, string];

/** What is wrong with the first header that cannot be written, or null. */
export function unsendableHeader(headers: Pair[]): string | null {
  for (const [name, value] of headers) {
    if (name === ":path") {
      if (/[^\u0021-\u00ff]/.test(value)) return `:path ${JSON.stringify(value)} has a space or control character`;
      continue;
    }
    if (name.startsWith(":")) continue;
    try {
      http.validateHeaderName(name);
    } catch {
      return `header name ${JSON.stringify(name)} is not a valid HTTP token`;
    }
    try {
      http.validateHeaderValue(name, value);
    } catch {
      return `header ${name}'s value ${JSON.stringify(value)} has a NUL, CR, LF or other control character`;
    }
  }
  return null;
}
