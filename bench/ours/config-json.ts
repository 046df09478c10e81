// The plugin-start benchmark filter for proxy-wasm-as: the plugin parses its JSON
// configuration (an object with a "rules" array) and keeps the number of rules; it refuses a
// configuration that is not such an object (bench/rust/config-json, bench/floor/config-json.wat).
export * from "proxy-wasm-as/assembly/proxy";
import { getPluginConfigurationJson, HttpContext, JsonValue, PluginContext, registerPlugin } from "proxy-wasm-as/assembly";

// biome-ignore lint/correctness/noUnusedVariables: written, never read, so the optimizer keeps the measured call
let rules: i32 = 0;

class ConfiguredPlugin extends PluginContext {
  onPluginStart(configurationSize: usize): bool {
    const parsed = getPluginConfigurationJson();
    if (!parsed.ok) return false;
    const list = (<JsonValue>parsed.value).get("rules");
    if (list === null || !list.isArray) return false;
    rules = list.length;
    return true;
  }

  newHttpContext(contextId: u32): HttpContext { return new HttpContext(contextId); }
}

registerPlugin((contextId: u32): PluginContext => new ConfiguredPlugin(contextId));
