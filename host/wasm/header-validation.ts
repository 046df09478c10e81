// The check Envoy's upstream codecs make before a request goes upstream
// (HeaderUtility::checkValidRequestHeaders in source/common/http/header_utility.cc, called by
// the HTTP/1, HTTP/2 and HTTP/3 client codecs' encodeHeaders): a filter may put any bytes in a
// header map (proxy_add_header_map_value answers OK; Envoy's HeaderString only ASSERTs in debug
// builds against NUL, CR and LF), but a request whose names or values are invalid is not sent:
// the router answers 503 itself (UpstreamCodecFilter::decodeHeaders). Response headers get no
// such check (without Envoy's UHV), so the emulator keeps what a filter sets there.
import type { Pair } from "./pairs.js";

/** tchar (RFC 9110): the characters Envoy's kGenericHeaderNameCharTable allows in a name. */
const TOKEN_CHARS = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]*$/;

/**
 * Envoy's headerNameIsValid: token characters only; a pseudo-header is ":" and at least one
 * more. (Envoy's loop lets an empty name through, and so does this.)
 */
export function headerNameIsValid(name: string): boolean {
  if (name.startsWith(":")) return name.length > 1 && TOKEN_CHARS.test(name.slice(1));
  return TOKEN_CHARS.test(name);
}

/**
 * Envoy's headerValueIsValid (quiche's HeaderValidator::IsValidHeaderValue, obs-text allowed):
 * HTAB, SP to "~", and bytes 0x80 and up; no other control character (NUL, CR, LF, DEL...).
 */
export function headerValueIsValid(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return false;
  }
  return true;
}

/** Envoy's error for the first invalid entry ("invalid header value for: x-a"), or null. */
export function invalidRequestHeader(headers: readonly Pair[]): string | null {
  for (const [name, value] of headers) {
    // The name is escaped as Envoy's JsonEscaper does, so the message is safe to show.
    const shown = JSON.stringify(name).slice(1, -1);
    if (!headerNameIsValid(name)) return `invalid header name: ${shown}`;
    if (!headerValueIsValid(value)) return `invalid header value for: ${shown}`;
  }
  return null;
}

/** The response code details Envoy's router gives that local reply. */
export function invalidRequestDetails(message: string): string {
  return `filter_removed_required_request_headers{${message.replace(/\s/g, "_")}}`;
}
