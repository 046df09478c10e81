// Shared set-up for the SDK's tests: the probe filter (test/filters/sdk-probe.ts, built by
// `npm run build`) loaded in the emulator.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Host } from "../../host/index.js";

export const PROBE = readFileSync(fileURLToPath(new URL("../build/sdk-probe.wasm", import.meta.url)));
export const ADD_HEADER = readFileSync(fileURLToPath(new URL("../build/add-header.wasm", import.meta.url)));

/** A host with the probe filter started with `configuration`. */
export async function startProbe(configuration = "{}", host = new Host()) {
  const vm = await host.loadVm(PROBE);
  const plugin = vm.startPlugin({ configuration });
  return { host, vm, plugin };
}

export const GET: [string, string][] = [
  [":method", "GET"],
  [":path", "/"],
  [":authority", "example.com"],
];

export function probeHeaders(scenario: string, extra: [string, string][] = []): [string, string][] {
  return [...GET, ["x-probe", scenario], ...extra];
}
