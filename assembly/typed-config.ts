// Typed configuration: a @json class (json-as) filled from the plugin or VM configuration.
// Build with asconfig.typed-config.json (its transform adds each class's schema); see
// docs/typed-config.md. Not exported by proxy-wasm-as/assembly, so that filters without it
// need no json-as: import it from "proxy-wasm-as/assembly/typed-config".
//
// The configuration is checked before json-as reads it: first as JSON by the SDK's reader
// (json-as traps on malformed text), then against the class's fields (json-as stores 85 for
// 1.5 in an i32 and keeps the default for a bool given "yes"). Either failure is logged at
// error level, naming the byte or the field, and gives null: return false from onPluginStart.
import { JSON } from "json-as";
import { checkSchema } from "./config-schema";
import { getPluginConfiguration, getVmConfiguration } from "./configuration";
import { joinStrings } from "./text";
import { JsonValue, parseJson } from "./json";
import { formatU32 } from "./runtime/format";
import { logRaw } from "./runtime/log-raw";

const LOG_WARN: u32 = 3;
const LOG_ERROR: u32 = 4;

/**
 * The plugin configuration as a `T` (a @json class); null, with an error log line naming the
 * byte or field, when it is not valid JSON or does not fit `T`. An empty configuration gives
 * `T`'s defaults (as `{}`). `onPluginStart` only.
 */
export function parsePluginConfiguration<T>(): T | null {
  return parseTypedJson<T>(getPluginConfiguration(), "plugin configuration");
}

/** The VM configuration as a `T`, as parsePluginConfiguration. `onVmStart` only. */
export function parseVmConfiguration<T>(): T | null {
  return parseTypedJson<T>(getVmConfiguration(), "VM configuration");
}

/**
 * UTF-8 JSON `data` as a `T` (a @json class); null, after an error log line that starts with
 * `what`, when it is not valid JSON or does not fit `T`. Empty data reads as `{}`.
 */
export function parseTypedJson<T>(data: ArrayBuffer, what: string): T | null {
  if (!isDefined(changetype<nonnull<T>>(0).__PROXY_SCHEMA)) {
    ERROR("parseTypedJson<T>: T must be a @json class, built with proxy-wasm-as/asconfig.typed-config.json");
  }
  const json = data.byteLength == 0 ? String.UTF8.encode("{}") : data;
  const parsed = parseJson(json);
  if (!parsed.ok) {
    logRaw(LOG_ERROR, what + " is not valid JSON: " + parsed.error + " at byte " + formatU32(<u32>parsed.position));
    return null;
  }
  // @ts-expect-error: the method is added by the typed-config transform
  const schema: string = changetype<nonnull<T>>(0).__PROXY_SCHEMA();
  const fit = checkSchema(<JsonValue>parsed.value, schema);
  if (!fit.ok) {
    logRaw(LOG_ERROR, what + ": " + fit.error);
    return null;
  }
  if (fit.unknownKeys.length > 0) {
    logRaw(
      LOG_WARN,
      what +
        ": ignoring unknown " +
        (fit.unknownKeys.length == 1 ? "key " : "keys ") +
        joinStrings(fit.unknownKeys, ", "),
    );
  }
  return JSON.parse<T>(String.UTF8.decode(json));
}
