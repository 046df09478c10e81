// The Wasm attributes: which plugin and VM this code runs as. They exist in every context,
// the plugin's included (getPluginRootId is in ../properties, read without building a path).
import { getPropertyString } from "../properties";

/** `plugin_name`: the plugin's name (Istio: "<name>.<namespace>" of the WasmPlugin). */
export function getPluginName(): string | null {
  return getPropertyString(["plugin_name"]);
}

/** `plugin_vm_id`: the VM id of envoy.yaml's vm_config (VMs with the same id share memory). */
export function getPluginVmId(): string | null {
  return getPropertyString(["plugin_vm_id"]);
}
