// The VM: one per Wasm instance (Envoy runs one per worker thread). It starts once, with the
// VM configuration, before any plugin.
import { PluginContext } from "./plugin";

export class VMContext {
  /** The VM starts (`vmConfiguration`, `configurationSize` bytes). Return false to fail it. */
  onVmStart(configurationSize: usize): bool { return true; }

  /**
   * A plugin context is created. Null (the default) lets the factories given to
   * `registerPluginForRootId` and `registerPlugin` build it; `getPluginRootId()` tells which
   * plugin of the proxy's configuration this is.
   */
  newPluginContext(contextId: u32): PluginContext | null { return null; }
}
