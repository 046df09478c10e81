// An optional bound on how long one callback may run, so a filter stuck in a loop fails its test
// with a clear error instead of hanging it. Wasm cannot be interrupted from the same thread, so
// the module is instrumented (binaryen's log-execution pass calls env.log_execution at every
// function entry and loop iteration) and the host counts those calls per callback. It changes
// the binary and slows it, so it is opt-in: `new Host({ loopLimit: 10_000_000 })`.
// binaryen is loaded only here, on first use: importing it costs most of a test file's start-up,
// and only a Host with loopLimit needs it.

import { readWasm } from "./wasm-reader.js";

/** The import the instrumented module calls; not part of the ABI. */
export const LOOP_IMPORT = "log_execution";

export async function instrumentLoops(bytes: Uint8Array): Promise<Uint8Array> {
  // Already instrumented (serve does it with wasm-opt to carry the source map along): as is.
  if (readWasm(bytes).imports.some((i) => i.module === "env" && i.name === LOOP_IMPORT)) return bytes;
  const { default: binaryen } = await import("binaryen");
  const module = binaryen.readBinary(bytes);
  try {
    module.runPasses(["log-execution"]);
    return module.emitBinary();
  } finally {
    module.dispose();
  }
}

export class LoopLimitError extends Error {
  constructor(readonly limit: number) {
    super(`the callback ran past ${limit} loop iterations and function calls (loopLimit): the filter may loop forever`);
    this.name = "LoopLimitError";
  }
}

export class LoopBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  /** Called at the start of every callback from the host. */
  reset(): void {
    this.used = 0;
  }

  /** Called by the instrumented module; throws once the callback has used its budget. */
  tick(): void {
    if (++this.used > this.limit) throw new LoopLimitError(this.limit);
  }
}
