// The VM: one per Wasm instance (Envoy runs one per worker thread). It starts once, with the
// VM configuration, before any plugin.
import { PluginContext } from "./plugin";

export class VMContext {
  /** The VM starts (`vmConfiguration`, `configurationSize` bytes). Return false to fail it. */
  onVmStart(configurationSize: usize): bool { return true; }

  /**
   * A plugin context is created. `rootId` is the plugin's root id from the proxy's
   * configuration; it is read only when several plugins are registered (it costs a host call).
   * The default builds the plugin registered with `registerPlugin`.
   */
  newPluginContext(contextId: u32, rootId: string): PluginContext | null { return null; }
}
