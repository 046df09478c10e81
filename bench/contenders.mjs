// The contenders: the hand-written floor and three AssemblyScript SDKs. Each has the same three
// filters (add-header, body, metric-shared), making the same host calls, built at the release
// settings its own README gives (ours: the repository's asconfig.json).
import { readFileSync } from "node:fs";
import { at } from "./paths.mjs";

/** The workloads' filters, by name: add-header (stream lifecycle), body, metric-shared. */
export const FILTERS = ["add-header", "body", "metric-shared"];
/** The floor also builds the emulator's calibration module (bench/floor/calibrate.wat). */
export const CALIBRATION = "calibrate";

function version(dir, pkg) {
  return JSON.parse(readFileSync(at(dir, "node_modules", pkg, "package.json"), "utf8")).version;
}

/**
 * kind "wat": bench/floor/NAME.wat compiled with wabt.
 * kind "ours": bench/ours/NAME.ts (add-header: test/filters/add-header.ts) compiled with the
 *   repository's asc and asconfig.json.
 * kind "npm": its own folder with its own package.json (pinned SDK and compiler); `npm run build`
 *   builds assembly/index.ts (add-header) to build/filter.wasm, and the same command line with
 *   another entry builds the other filters.
 */
export const CONTENDERS = [
  {
    id: "floor", label: "floor (hand-written WAT)", kind: "wat", dir: "bench/floor",
    source: (filter) => at("bench/floor", `${filter}.wat`),
    wasm: (filter) => at("bench/floor/build", `${filter}.wasm`),
    rootId: "add_header",
    describe: () => "no SDK: the host calls and nothing else",
  },
  {
    id: "ours", label: "proxy-wasm-as", kind: "ours", dir: "bench/ours",
    source: (filter) => (filter === "add-header" ? at("test/filters/add-header.ts") : at("bench/ours", `${filter}.ts`)),
    wasm: (filter) => at("bench/ours/build", `${filter}.wasm`),
    /** The same add-header build with a name section (asc --debug), for profiles only. */
    namedWasm: () => at("bench/ours/build/add-header.names.wasm"),
    rootId: "add_header",
    describe: () => `proxy-wasm-as ${JSON.parse(readFileSync(at("package.json"), "utf8")).version}, AssemblyScript ${version(".", "assemblyscript")}, the repository's asconfig.json`,
  },
  {
    id: "gcore", label: "G-Core", kind: "npm", dir: "bench/gcore",
    source: (filter) => at("bench/gcore/assembly", filter === "add-header" ? "index.ts" : `${filter}.ts`),
    wasm: (filter) => at("bench/gcore/build", filter === "add-header" ? "filter.wasm" : `${filter}.wasm`),
    rootId: "add_header",
    describe: () => `@gcoredev/proxy-wasm-sdk-as ${version("bench/gcore", "@gcoredev/proxy-wasm-sdk-as")}, AssemblyScript ${version("bench/gcore", "assemblyscript")} + wasi-shim, -O3`,
  },
  {
    id: "solo", label: "solo.io", kind: "npm", dir: "bench/solo",
    source: (filter) => at("bench/solo/assembly", filter === "add-header" ? "index.ts" : `${filter}.ts`),
    wasm: (filter) => at("bench/solo/build", filter === "add-header" ? "filter.wasm" : `${filter}.wasm`),
    rootId: "add_header",
    describe: () => `@solo-io/proxy-runtime ${version("bench/solo", "@solo-io/proxy-runtime")}, AssemblyScript ${version("bench/solo", "assemblyscript")}, --optimize`,
  },
];

/** The other AssemblyScript SDKs (the targets compare ours with each). */
export const OTHER_SDKS = CONTENDERS.filter((c) => c.kind === "npm");
