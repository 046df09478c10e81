// The contenders: the hand-written floor and three AssemblyScript SDKs. Each has the same three
// filters (add-header, body, metric-shared), making the same host calls, built at the release
// settings its own README gives (ours: the repository's asconfig.json).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { at } from "./paths.mjs";

/** The workloads' filters, by name: add-header (stream lifecycle), body, metric-shared. */
export const FILTERS = ["add-header", "body", "metric-shared"];
/**
 * The instruction matrix's other filters (bench/matrix.mjs), which the floor, ours and the Rust
 * SDK have; the other AssemblyScript SDKs have only FILTERS.
 */
export const MATRIX_FILTERS = ["headers-all", "headers-one", "body-pass", "body-append", "http-call", "config-json"];
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
    id: "floor",
    label: "floor (hand-written WAT)",
    kind: "wat",
    dir: "bench/floor",
    source: (filter) => at("bench/floor", `${filter}.wat`),
    wasm: (filter) => at("bench/floor/build", `${filter}.wasm`),
    rootId: "add_header",
    describe: () => "no SDK: the host calls and nothing else",
  },
  {
    id: "ours",
    label: "proxy-wasm-as",
    kind: "ours",
    dir: "bench/ours",
    source: (filter) => (filter === "add-header" ? at("test/filters/add-header.ts") : at("bench/ours", `${filter}.ts`)),
    wasm: (filter) => at("bench/ours/build", `${filter}.wasm`),
    /** The same add-header build with a name section (asc --debug), for profiles only. */
    namedWasm: () => at("bench/ours/build/add-header.names.wasm"),
    rootId: "add_header",
    describe: () =>
      `proxy-wasm-as ${JSON.parse(readFileSync(at("package.json"), "utf8")).version}, AssemblyScript ${version(".", "assemblyscript")}, the repository's asconfig.json`,
  },
  {
    id: "gcore",
    label: "G-Core",
    kind: "npm",
    dir: "bench/gcore",
    source: (filter) => at("bench/gcore/assembly", filter === "add-header" ? "index.ts" : `${filter}.ts`),
    wasm: (filter) => at("bench/gcore/build", filter === "add-header" ? "filter.wasm" : `${filter}.wasm`),
    rootId: "add_header",
    describe: () =>
      `@gcoredev/proxy-wasm-sdk-as ${version("bench/gcore", "@gcoredev/proxy-wasm-sdk-as")}, AssemblyScript ${version("bench/gcore", "assemblyscript")} + wasi-shim, -O3`,
  },
  {
    id: "solo",
    label: "solo.io",
    kind: "npm",
    dir: "bench/solo",
    source: (filter) => at("bench/solo/assembly", filter === "add-header" ? "index.ts" : `${filter}.ts`),
    wasm: (filter) => at("bench/solo/build", filter === "add-header" ? "filter.wasm" : `${filter}.wasm`),
    rootId: "add_header",
    describe: () =>
      `@solo-io/proxy-runtime ${version("bench/solo", "@solo-io/proxy-runtime")}, AssemblyScript ${version("bench/solo", "assemblyscript")}, --optimize`,
  },
];

/** Where the Rust SDK's builds are: the peers' three (read-only, beside the project) and bench/rust's. */
export const RUST_PEERS = at("../shared/peers/rust-sdk-0.2.0");

/**
 * The Rust SDK (proxy-wasm-rust-sdk 0.2.0), in the instruction matrix only: prebuilt .wasm files
 * (bench/rust/build.sh), so the bench needs no Rust. `wasm` is null for a filter with no build.
 */
export const RUST = {
  id: "rust",
  label: "Rust SDK 0.2.0",
  kind: "prebuilt",
  wasm(filter) {
    const own = at("bench/rust", `${filter}.wasm`);
    if (existsSync(own)) return own;
    const peer = join(RUST_PEERS, `${filter}.wasm`);
    return existsSync(peer) ? peer : null;
  },
  rootId: "add_header",
  describe: () =>
    "proxy-wasm-rust-sdk 0.2.0, Debian rustc 1.63, opt-level 3, LTO (../shared/peers/rust-sdk-0.2.0/PROVENANCE.md, bench/rust/build.sh)",
};

/** Which filters a contender has a build of: the floor and ours have every one. */
export function hasFilter(contender, filter) {
  if (contender.kind === "prebuilt") return contender.wasm(filter) !== null;
  if (contender.kind === "npm") return FILTERS.includes(filter) && existsSync(contender.wasm(filter));
  return existsSync(contender.wasm(filter));
}

/** The contenders of the instruction matrix, in its column order. */
export const MATRIX_CONTENDERS = () => [CONTENDERS[0], CONTENDERS[1], RUST, ...CONTENDERS.slice(2)];

/** The other AssemblyScript SDKs (the targets compare ours with each). */
export const OTHER_SDKS = CONTENDERS.filter((c) => c.kind === "npm");
