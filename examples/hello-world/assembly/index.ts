export * from "proxy-wasm-as/assembly/proxy";
import { logInfo, PluginContext, registerPlugin, setTickPeriodMilliseconds, VMContext, setVMContext } from "proxy-wasm-as/assembly";

class HelloVM extends VMContext {
  onVmStart(configurationSize: usize): bool {
    logInfo("hello-world: VM started");
    return true;
  }
}

class HelloPlugin extends PluginContext {
  onPluginStart(configurationSize: usize): bool {
    logInfo("hello-world: plugin started");
    setTickPeriodMilliseconds(5000);
    return true;
  }
  onTick(): void {
    logInfo("hello-world: tick");
  }
}

setVMContext(new HelloVM());
registerPlugin((contextId: u32): PluginContext => new HelloPlugin(contextId));
