// Runs the CEL sample (cel-cases.mjs) through the candidate evaluators and prints how many cases
// each passes: the measurement behind the choice of the emulator's CEL (docs/testing.md).
// The candidates are not dependencies of the project; install them for the run:
//   npm run build && npm i --no-save @marcbachmann/cel-js cel-js && node test/host/cel-candidates.mjs
import { attributeLookup, ATTRIBUTES, CASES, neutral } from "./cel-cases.mjs";

const hex = (b) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** Runs every case; `run(expr)` returns a neutral value or throws for a CEL error. */
function score(name, run, lenient = () => false) {
  const failed = [];
  for (const [expr, want] of CASES) {
    let got;
    try {
      got = run(expr);
    } catch {
      got = { error: true };
    }
    if (!same(got, want) && !lenient(got, want))
      failed.push(`${expr} → ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  console.log(`${name}: ${CASES.length - failed.length} of ${CASES.length}`);
  if (process.argv.includes("-v")) for (const f of failed) console.log(`  ${f}`);
}

// ---- @marcbachmann/cel-js -------------------------------------------------------------------
try {
  const { Environment } = await import("@marcbachmann/cel-js");
  const { UnsignedInt, Duration } = await import("@marcbachmann/cel-js/evaluator");
  const toJs = (v) => {
    if (typeof v !== "object" || v === null) return v;
    if ("int" in v) return BigInt(v.int);
    if ("uint" in v) return new UnsignedInt(BigInt(v.uint));
    if ("double" in v) return v.double;
    if ("timestamp" in v) return new Date(v.timestamp);
    if ("map" in v) return Object.fromEntries(v.map.map(([k, x]) => [k, toJs(x)]));
    throw new Error(`no JS form for ${JSON.stringify(v)}`);
  };
  const fromJs = (v) => {
    if (typeof v === "bigint") return { int: String(v) };
    if (typeof v === "number") return { double: v };
    if (v === null) return { null: true };
    if (v instanceof UnsignedInt) return { uint: String(v.value) };
    if (v instanceof Duration) return { duration: String(v.seconds * 1_000_000_000n + BigInt(v.nanos)) };
    if (v instanceof Date) return { timestamp: v.toISOString().replace(".000Z", "Z") };
    if (v instanceof Uint8Array) return { bytes: hex(v) };
    if (Array.isArray(v)) return { list: v.map(fromJs) };
    if (v instanceof Map) return { map: [...v].map(([k, x]) => [k, fromJs(x)]) };
    if (typeof v === "object") return { map: Object.entries(v).map(([k, x]) => [k, fromJs(x)]) };
    return v;
  };
  const env = new Environment({ unlistedVariablesAreDyn: true });
  const context = Object.fromEntries(Object.entries(ATTRIBUTES).map(([k, v]) => [k, toJs(v)]));
  score("@marcbachmann/cel-js", (expr) => fromJs(env.evaluate(expr, context)));
} catch (e) {
  console.log(`@marcbachmann/cel-js: not run (${e.message})`);
}

// ---- cel-js ---------------------------------------------------------------------------------
try {
  const { evaluate } = await import("cel-js");
  // cel-js keeps every number as a JS number, so int and double cannot be told apart: an
  // integral number is taken as matching either.
  const toJs = (v) => {
    if (typeof v !== "object" || v === null) return v;
    if ("int" in v) return Number(v.int);
    if ("uint" in v) return Number(v.uint);
    if ("double" in v) return v.double;
    if ("timestamp" in v) return new Date(v.timestamp);
    if ("map" in v) return Object.fromEntries(v.map.map(([k, x]) => [k, toJs(x)]));
    throw new Error(`no JS form for ${JSON.stringify(v)}`);
  };
  const fromJs = (v) => {
    if (typeof v === "number") return Number.isInteger(v) ? { int: String(v) } : { double: v };
    if (typeof v === "bigint") return { int: String(v) };
    if (v === null) return { null: true };
    if (v instanceof Date) return { timestamp: v.toISOString().replace(".000Z", "Z") };
    if (v instanceof Uint8Array) return { bytes: hex(v) };
    if (Array.isArray(v)) return { list: v.map(fromJs) };
    if (typeof v === "object") return { map: Object.entries(v).map(([k, x]) => [k, fromJs(x)]) };
    return v;
  };
  const lenient = (got, want) =>
    typeof got === "object" &&
    got !== null &&
    typeof want === "object" &&
    want !== null &&
    "int" in got &&
    (("double" in want && Number(got.int) === want.double) || ("uint" in want && got.int === want.uint));
  const context = Object.fromEntries(Object.entries(ATTRIBUTES).map(([k, v]) => [k, toJs(v)]));
  score("cel-js", (expr) => fromJs(evaluate(expr, context)), lenient);
} catch (e) {
  console.log(`cel-js: not run (${e.message})`);
}

// ---- the emulator ---------------------------------------------------------------------------
try {
  const { compileCel, evaluateCel } = await import("../../dist/host/wasm/cel.js");
  score("emulator (host/wasm/cel.ts)", (expr) => neutral(evaluateCel(compileCel(expr), attributeLookup)));
} catch (e) {
  console.log(`emulator: not run (${e.message})`);
}
