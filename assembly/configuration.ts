// Plugin and VM configuration: the bytes the proxy passes (Envoy's `configuration`, Istio's
// `pluginConfig`), read in onPluginStart / onVmStart, as bytes, text or JSON.
import { formatU32 } from "./runtime/format";
import { pluginConfiguration, vmConfiguration } from "./buffers";
import { JsonResult, parseJson } from "./json";
import { logRaw } from "./runtime/log-raw";

/** The plugin configuration as bytes (empty when there is none). */
export function getPluginConfiguration(): ArrayBuffer {
  const data = pluginConfiguration.get();
  return data === null ? new ArrayBuffer(0) : data;
}

/** The VM configuration as bytes (empty when there is none). */
export function getVmConfiguration(): ArrayBuffer {
  const data = vmConfiguration.get();
  return data === null ? new ArrayBuffer(0) : data;
}

/** The plugin configuration as UTF-8 text ("" when there is none), for a plain-string setting. */
export function getPluginConfigurationText(): string {
  return String.UTF8.decode(getPluginConfiguration());
}

/** The VM configuration as UTF-8 text ("" when there is none). */
export function getVmConfigurationText(): string {
  return String.UTF8.decode(getVmConfiguration());
}

/**
 * The plugin configuration parsed as JSON. On malformed JSON it logs, at error level, what is
 * wrong and at which byte, and returns the failed result: return false from onPluginStart.
 * An empty configuration parses as `{}`, so a filter with optional settings needs none.
 */
export function getPluginConfigurationJson(): JsonResult {
  return parseConfiguration("plugin", getPluginConfiguration());
}

/** The VM configuration parsed as JSON (as `getPluginConfigurationJson`). */
export function getVmConfigurationJson(): JsonResult {
  return parseConfiguration("VM", getVmConfiguration());
}

function parseConfiguration(which: string, data: ArrayBuffer): JsonResult {
  if (data.byteLength == 0) return parseJson(String.UTF8.encode("{}"));
  const result = parseJson(data);
  if (!result.ok) {
    logRaw(4, which + " configuration is not valid JSON: " + result.error + " at byte " + formatU32(<u32>result.position));
  }
  return result;
}
