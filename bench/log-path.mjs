// Executed instructions of one SDK log call (logInfo) and one getLogLevel, per call, in the
// default build and in the build with `--use PROXY_WASM_AS_NO_GET_LOG_LEVEL=1` (no
// proxy_get_log_level import, for stock ngx_wasm_module). Each figure is a request-headers
// callback doing the call minus the same callback doing nothing.
//
// `node bench/log-path.mjs` (after `npm run build`)
import asc from "assemblyscript/asc";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COUNTER_EXPORT, instrumentForCounting } from "./instruction-counter.mjs";
import { at } from "./paths.mjs";

const { Host } = await import(at("dist/host/index.js"));
const STREAMS = 1000;
const out = mkdtempSync(join(tmpdir(), "pwas-log-path-"));

async function build(name, extra) {
  const output = join(out, `${name}.wasm`);
  const { error, stderr } = await asc.main(
    ["bench/log-path/filter.ts", "--config", "asconfig.json", "-o", output, ...extra],
    { stdout: { write() {} } },
  );
  if (error) throw new Error(`asc failed: ${error.message}\n${stderr.toString()}`);
  return output;
}

/** Average instructions of one request-headers callback of the filter in `mode`. */
async function perRequestHeaders(wasm, mode) {
  const host = new Host({ record: false, logLevel: "info" });
  const vm = await host.loadVm(await instrumentForCounting(readFileSync(wasm)));
  const plugin = vm.startPlugin({ configuration: mode });
  const counter = vm.exports[COUNTER_EXPORT];
  const run = () => {
    const s = plugin.newHttpStream();
    const before = counter.value;
    s.requestHeaders({ ":method": "GET", ":path": "/" }, { endOfStream: true });
    const spent = counter.value - before;
    s.complete();
    return spent;
  };
  for (let i = 0; i < 50; i++) run(); // the first streams pay one-time costs
  let total = 0n;
  for (let i = 0; i < STREAMS; i++) total += run();
  return Number(total) / STREAMS;
}

const builds = [
  ["default build", await build("default", [])],
  ["--use PROXY_WASM_AS_NO_GET_LOG_LEVEL=1", await build("no-level", ["--use", "PROXY_WASM_AS_NO_GET_LOG_LEVEL=1"])],
];
console.log("| build | logInfo (34-byte message) | getLogLevel | imports proxy_get_log_level |");
console.log("|---|---|---|---|");
for (const [label, wasm] of builds) {
  const none = await perRequestHeaders(wasm, "none");
  const log = (await perRequestHeaders(wasm, "log")) - none;
  const level = (await perRequestHeaders(wasm, "level")) - none;
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasm))).some(
    (i) => i.name === "proxy_get_log_level",
  );
  console.log(`| ${label} | ${log} | ${level} | ${imports ? "yes" : "no"} |`);
}
rmSync(out, { recursive: true, force: true });
