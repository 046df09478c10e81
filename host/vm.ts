// One loaded module (a Wasm VM, as one Envoy worker has) as a test drives it: the VM
// (vm-instance.ts) plus the plugin (root) contexts started in it.
import { Plugin, type PluginOptions } from "./streams/plugin.js";
import type { ProxyState } from "./state/proxy-state.js";
import { type LoadOptions, type ModuleSource, VmInstance, type VmLimits } from "./vm/vm-instance.js";

export class Vm extends VmInstance {
  readonly plugins: Plugin[] = [];

  private constructor(host: ProxyState, opts: LoadOptions) {
    super(host, opts);
  }

  /** @internal Host.loadVm: compiles, links and initializes a module into a new VM. */
  static async load(host: ProxyState, source: ModuleSource, opts: LoadOptions, limits: VmLimits): Promise<Vm> {
    const vm = new Vm(host, opts);
    await vm.link(source, limits);
    return vm;
  }

  /**
   * Creates a plugin (root) context as Envoy does: proxy_on_context_create(id, 0),
   * proxy_on_vm_start, then proxy_on_configure; a plugin whose start fails keeps its context.
   */
  startPlugin(opts: PluginOptions = {}): Plugin {
    this.assertUsable();
    const p = new Plugin(this, opts);
    this.plugins.push(p);
    p.start();
    return p;
  }
}
