// Groups the callbacks a module exports by what they make the filter do, so a reader sees at
// a glance whether it is an HTTP filter, a TCP filter, uses timers, calls out, and so on.
import type { AbiFunction } from "../host/wasm/abi-table.js";

// Spec section → group. Integration and memory management are entry points every module
// needs, so they are not listed as things the filter "handles".
const SECTION_GROUP: Record<string, string> = {
  "Context lifecycle": "Lifecycle/config",
  Configuration: "Lifecycle/config",
  "HTTP streams": "HTTP",
  "TCP streams": "TCP",
  Timers: "Timers",
  "HTTP calls": "HTTP calls",
  "gRPC calls": "gRPC",
  "Shared Queues": "Queues",
  "Foreign function interface (FFI)": "FFI",
};

export const GROUP_ORDER = ["HTTP", "TCP", "Timers", "HTTP calls", "gRPC", "Queues", "FFI", "Lifecycle/config"];

export interface CallbackGroup {
  group: string;
  callbacks: string[];
}

/** The ABI callbacks among `exported`, grouped in GROUP_ORDER; empty groups are left out. */
export function groupCallbacks(exported: Set<string>, abi: AbiFunction[]): CallbackGroup[] {
  const byGroup = new Map<string, string[]>();
  for (const f of abi) {
    const group = SECTION_GROUP[f.section];
    if (f.role !== "export" || !group || !exported.has(f.name)) continue;
    byGroup.set(group, [...(byGroup.get(group) ?? []), f.name]);
  }
  return GROUP_ORDER.filter((g) => byGroup.has(g)).map((group) => ({ group, callbacks: byGroup.get(group)! }));
}
