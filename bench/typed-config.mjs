// Typed configuration against the SDK's own JSON reader: the same filter (add configured
// headers, deny path prefixes) read through a @json class (examples/typed-config: json-as,
// checked first by the SDK) and field by field with getPluginConfigurationJson
// (test/filters/config-builtin.ts). Bytes of each build, and the instructions executed to
// configure (proxy_on_configure, one configuration) and per request after it.
//   node bench/typed-config.mjs      (after npm run build)
import { readFileSync, statSync } from "node:fs";
import { COUNTER_EXPORT, instrumentForCounting } from "./instruction-counter.mjs";
import { chargeCallbacks } from "./instruction-counts.mjs";
import { at } from "./paths.mjs";

const { Host } = await import(at("dist/host/index.js"));

export const TYPED_CONFIG_CONTENDERS = [
  { id: "json-as @json class (checked by the SDK)", wasm: at("examples/typed-config/build/filter.wasm") },
  { id: "SDK reader, field by field", wasm: at("test/build/config-builtin.wasm") },
];

/** A configuration with every field, a few entries each. */
export const TYPED_CONFIGURATION = JSON.stringify({
  headers: [
    { name: "x-team", value: "payments" },
    { name: "x-tier", value: "gold" },
    { name: "x-region", value: "eu-west-1" },
  ],
  denyPrefixes: ["/admin", "/internal", "/debug"],
  denyStatus: 404,
});

/** Executed instructions of the configure callback and of one allowed request (averaged). */
export async function countTypedConfig(wasm, requests = 20) {
  const host = new Host({ record: false, logLevel: "info" });
  const vm = await host.loadVm(await instrumentForCounting(readFileSync(wasm)));
  const counter = vm.exports[COUNTER_EXPORT];
  const totals = new Map();
  chargeCallbacks(
    vm,
    () => counter.value,
    (name, before) => totals.set(name, (totals.get(name) ?? 0n) + counter.value - before),
  );
  const plugin = vm.startPlugin({ configuration: TYPED_CONFIGURATION });
  if (!plugin.configured) throw new Error(`${wasm}: the plugin did not start`);
  const configure = Number(totals.get("proxy_on_configure"));
  totals.clear();
  for (let i = 0; i < requests; i++) {
    const stream = plugin.newHttpStream();
    stream.requestHeaders({ ":method": "GET", ":path": "/pay", ":authority": "example.com" }, { endOfStream: true });
    if (stream.requestHeader("x-region") !== "eu-west-1") throw new Error(`${wasm}: the headers were not added`);
    stream.complete();
  }
  const request = Math.round(Number(totals.get("proxy_on_request_headers")) / requests);
  return { bytes: statSync(wasm).size, configure, request };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log("| reader | bytes | configure (instructions) | request headers (instructions) |");
  console.log("|---|---:|---:|---:|");
  for (const c of TYPED_CONFIG_CONTENDERS) {
    const r = await countTypedConfig(c.wasm);
    console.log(
      `| ${c.id} | ${r.bytes.toLocaleString("en")} | ${r.configure.toLocaleString("en")} | ${r.request.toLocaleString("en")} |`,
    );
  }
}
