// Several plugins in one module, told apart by root id (e.g. a queue's producer and consumer).
// Kept out of the dispatcher so that a filter with one plugin carries none of this code.
import { PluginContext } from "./context/plugin";
import { setPluginChooser } from "./dispatcher";
import { getPluginRootId } from "./properties";

// `@lazy`: index.ts imports this file, so a plain global would be built into every filter.
@lazy const rootIds = new Array<string>();
@lazy const factories = new Array<(contextId: u32) => PluginContext>();

/**
 * Registers a factory for the plugins whose root id is `rootId`. Plugins with other root ids
 * go to the `registerPlugin` factory, if any. The root id is read (one host call) when a
 * plugin context is created.
 */
export function registerPluginForRootId(rootId: string, factory: (contextId: u32) => PluginContext): void {
  rootIds.push(rootId);
  factories.push(factory);
  setPluginChooser((contextId: u32): PluginContext | null => {
    const index = rootIds.indexOf(getPluginRootId());
    return index < 0 ? null : factories[index](contextId);
  });
}
