// An exact, machine-independent cost measure: a copy of a module that counts the wasm
// instructions it executes. The copy adds to an exported i64 global at the start of every
// straight-line run of instructions (the run's length), so the count is exact for every path
// taken and independent of the engine, the host and the machine's load. `cost` (cost.ts) and the
// benchmark (bench/instruction-counter.mjs) both use it.
//
// What counts as an instruction follows Wasmtime's fuel (the figures the project was first
// measured with): every operator costs 1 except nop, drop, block, loop, else, end, unreachable
// and return, which generate no work of their own; a function's own end costs 1, so every call
// costs at least 1 (an empty callback counts 1).
//
// Hand-written on wabt's text form: no npm library instruments a module for exact counts.
import wabtInit from "wabt";

/** The exported global that holds the count (not part of the ABI: only counting copies have it). */
export const COUNTER_EXPORT = "__executed_instructions";

const FEATURES = {
  mutable_globals: true,
  sign_extension: true,
  bulk_memory: true,
  sat_float_to_int: true,
  multi_value: true,
};
const FREE = new Set(["nop", "drop", "block", "loop", "else", "end", "unreachable", "return"]);
/** Control may arrive just after these (a branch target, an else arm, the code after an if). */
const STARTS_RUN_AFTER = new Set(["block", "loop", "if", "else", "end", "try", "catch"]);
/** Control may leave the run after these. */
const ENDS_RUN = new Set(["br", "br_if", "br_table", "return", "unreachable", "if", "throw", "rethrow"]);

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabtPromise: Promise<Wabt> | undefined;
const wabt = (): Promise<Wabt> => (wabtPromise ??= wabtInit());

/** The counting copy of `bytes` (a .wasm): same imports, exports and behaviour, plus the counter. */
export async function instrumentForCounting(bytes: Uint8Array): Promise<Uint8Array> {
  const w = await wabt();
  const mod = w.readWasm(new Uint8Array(bytes), { ...FEATURES, readDebugNames: false });
  const text = mod.toText({ foldExprs: false, inlineExport: false });
  mod.destroy();
  return assemble(w, addCounter(text));
}

/**
 * The copy of `bytes` with one counter per function (exported as __count_N, N from 1, each
 * counting the function's own instructions, not its callees'), and the functions' names from
 * the name section ("function N" where it has none).
 */
export async function instrumentPerFunction(bytes: Uint8Array): Promise<{ binary: Uint8Array; names: string[] }> {
  const w = await wabt();
  const mod = w.readWasm(new Uint8Array(bytes), { ...FEATURES, readDebugNames: true });
  mod.generateNames();
  mod.applyNames();
  const text = mod.toText({ foldExprs: false, inlineExport: false });
  mod.destroy();
  // The text is the module's items, one per "  (" line: instrument each function on its own.
  const items = text.split(/\n(?= {2}\()/);
  const names: string[] = [];
  const out = items.map((item) => {
    if (!item.startsWith("  (func ")) return item;
    names.push(item.match(/^ {2}\(func \$(\S+)/)?.[1] ?? `function ${names.length}`);
    const n = names.length;
    const counted = addCounter(`${item}\n  (export "x" (func 0))`)
      .split("\n")
      .filter((l) => !l.includes("(export ") && !l.includes("(global $__count"))
      .join("\n");
    return counted.replaceAll("$__count", `$__count_${n}`);
  });
  const globals = names.map(
    (_, i) =>
      `  (global $__count_${i + 1} (mut i64) (i64.const 0))\n  (export "__count_${i + 1}" (global $__count_${i + 1}))`,
  );
  const firstExport = out.findIndex((item) => item.startsWith("  (export "));
  out.splice(firstExport < 0 ? out.length - 1 : firstExport, 0, ...globals);
  return { binary: assemble(w, out.join("\n")), names: names.map(readableName) };
}

/** wabt's generated names for AssemblyScript functions ("~lib/foo/bar") keep their path. */
function readableName(name: string): string {
  return name.replace(/^~lib\//, "");
}

function assemble(w: Wabt, text: string): Uint8Array {
  const out = w.parseWat("counting.wat", text, FEATURES);
  try {
    out.resolveNames();
    out.validate();
    return out.toBinary({}).buffer;
  } finally {
    out.destroy();
  }
}

/** wasm2wat's flat text with a counter increment at the head of every run. */
export function addCounter(text: string): string {
  const lines = text.split("\n");
  const out: string[] = [];
  let inFunc = false;
  let run: string[] = []; // the instruction lines of the current straight-line run
  let cost = 0;
  const flush = (): void => {
    if (cost > 0) out.push(`    global.get $__count i64.const ${cost} i64.add global.set $__count`);
    out.push(...run);
    run = [];
    cost = 0;
  };
  for (const line of lines) {
    const trimmed = line.replace(/;;.*$/, "").trim();
    if (!inFunc) {
      if (/^\(func\b/.test(trimmed) && balance(trimmed) === 0) {
        // "(func $f (type 0))": an empty body costs its end alone.
        out.push(line.replace(/\)\s*$/, ""), "    global.get $__count i64.const 1 i64.add global.set $__count", "  )");
        continue;
      }
      out.push(line);
      if (/^\(func\b/.test(trimmed)) {
        inFunc = true;
        cost = 1; // the function's end
      }
      continue;
    }
    if (trimmed.startsWith("(local")) {
      out.push(line);
      continue;
    }
    // The body's last instruction carries the func's closing parenthesis.
    const closes = trimmed.endsWith(")") && balance(trimmed) < 0;
    const instr = closes ? trimmed.slice(0, -1).trim() : trimmed;
    const op = instr.split(/\s+/)[0];
    if (op) {
      if (STARTS_RUN_AFTER.has(op) && op !== "if") {
        flush();
        out.push(`    ${instr}`);
      } else {
        run.push(`    ${instr}`);
        if (!FREE.has(op)) cost++;
        if (ENDS_RUN.has(op)) flush();
      }
    }
    if (closes) {
      flush();
      out.push("  )");
      inFunc = false;
    }
  }
  // The counter itself, after the module's own globals (wasm2wat prints exports after them) so
  // their indices do not move.
  const at = out.findIndex((l) => /^\s*\(export\b/.test(l));
  out.splice(
    at < 0 ? out.length - 1 : at,
    0,
    "  (global $__count (mut i64) (i64.const 0))",
    `  (export "${COUNTER_EXPORT}" (global $__count))`,
  );
  return out.join("\n");
}

/** Parentheses opened minus closed, ignoring those inside strings. */
function balance(s: string): number {
  let n = 0;
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "(") n++;
    else if (c === ")") n--;
  }
  return n;
}
