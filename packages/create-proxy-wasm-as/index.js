#!/usr/bin/env node
// `npm create proxy-wasm-as NAME [-- --template EXAMPLE]` runs this: it hands its arguments to
// `proxy-wasm-as init` of the proxy-wasm-as package it depends on, which writes the project
// with that same version of the SDK as its dependency.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
let root;
try {
  root = dirname(require.resolve("proxy-wasm-as/package.json"));
} catch {
  console.error(
    "create-proxy-wasm-as: cannot find the proxy-wasm-as package it depends on; reinstall create-proxy-wasm-as",
  );
  process.exit(1);
}
const args = process.argv.slice(2);
const result = spawnSync(process.execPath, [join(root, "bin", "proxy-wasm-as.js"), "init", ...args], {
  stdio: "inherit",
});
if (result.error) {
  console.error(`create-proxy-wasm-as: cannot run proxy-wasm-as init: ${result.error.message}`);
  process.exit(1);
}
process.exitCode = result.status ?? 1;
