// Binary sizes in bytes: every example (examples/*/build/filter.wasm, built with --target
// release as a user would) and each contender's filters at its default release settings.
import { existsSync, statSync } from "node:fs";
import { CONTENDERS, FILTERS } from "./contenders.mjs";
import { examples } from "./prepare.mjs";

const size = (path) => (existsSync(path) ? statSync(path).size : null);

export function measureSizes() {
  return {
    examples: examples().map((ex) => ({ name: ex.name, bytes: size(ex.wasm) })),
    contenders: CONTENDERS.map((c) => ({ id: c.id, ...Object.fromEntries(FILTERS.map((f) => [f, size(c.wasm(f))])) })),
  };
}
