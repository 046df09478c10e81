// CEL (Common Expression Language) for the emulated expr_create / expr_evaluate foreign
// functions. Envoy evaluates full CEL with Google's cel-cpp; the emulator evaluates it with
// @marcbachmann/cel-js, which passed 111 of the 117 cases of test/host/cel-cases.mjs where cel-js
// passed 58 and the emulator's former hand-written subset 85 (test/host/cel-candidates.mjs).
// What this file adds is Envoy's side of it:
// - the attributes: each top-level name (request, source, xds, ...) is a map whose entries are
//   read from the stream's properties when the expression reads them, typed as Envoy types them;
// - cel-cpp as Envoy runs it does not type-check and compares across types at run time
//   (heterogeneous equality: 1 == 1.0 is true, 1 == "1" is false), where the library's checker
//   would refuse the comparison: those overloads are registered here;
// - cel-cpp's parser limits (nesting 250 levels, 100,000 code points) and none on list sizes;
// - the result as a typed value for Envoy's serializeValue (foreign-functions.ts).
// Known differences: timestamps have millisecond precision in the library (Envoy: nanoseconds);
// has() on a map literal and all() on an empty list literal are errors there, and a map literal
// with a repeated key keeps the last value (cel-cpp: an error);
// `matches` uses JavaScript regular expressions, which differ from RE2 at the edges.
import { Environment, EvaluationError, ParseError, TypeError as CelTypeError } from "@marcbachmann/cel-js";
import { Duration, UnsignedInt } from "@marcbachmann/cel-js/evaluator";
import type { AttributeValue } from "./attribute-value.js";

export class CelError extends Error {}

/** A CEL value as Envoy serializes it: an attribute's kinds, plus null and CEL's own lists and maps. */
export type CelValue =
  | AttributeValue
  | { kind: "null" }
  | { kind: "celList"; items: CelValue[] }
  | { kind: "celMap"; entries: [CelValue, CelValue][] };

/** An attribute by path (["request", "path"]): its value, "branch" when it only has entries below, or undefined. */
export type AttributeLookup = (path: string[]) => AttributeValue | "branch" | undefined;

/** cel-cpp's default limits (ParserOptions): recursion depth and expression size. */
const MAX_DEPTH = 250;
const MAX_CODE_POINTS = 100_000;

const NUMERIC = ["int", "uint", "double"] as const;
const KINDS = [
  "int",
  "uint",
  "double",
  "string",
  "bool",
  "bytes",
  "null",
  "list",
  "map",
  "google.protobuf.Timestamp",
  "google.protobuf.Duration",
] as const;

const numberOf = (v: unknown): bigint | number => (v instanceof UnsignedInt ? v.value : (v as bigint | number));

/** Compares numbers of any kind by value, as CEL's heterogeneous equality does. */
function sameNumber(a: unknown, b: unknown): boolean {
  const x = numberOf(a),
    y = numberOf(b);
  if (typeof x === "bigint" && typeof y === "bigint") return x === y;
  if (typeof x === "number" && typeof y === "number") return x === y;
  const [int, dbl] = typeof x === "bigint" ? [x, y as number] : [y as bigint, x as number];
  return Number.isInteger(dbl) && BigInt(dbl) === int;
}

function environment(): Environment {
  const env = new Environment({
    unlistedVariablesAreDyn: true,
    homogeneousAggregateLiterals: false,
    limits: {
      maxDepth: MAX_DEPTH,
      maxAstNodes: MAX_CODE_POINTS,
      maxListElements: MAX_CODE_POINTS,
      maxMapEntries: MAX_CODE_POINTS,
      maxCallArguments: MAX_CODE_POINTS,
    },
  });
  for (const a of KINDS) {
    for (const b of KINDS) {
      if (a === b) continue;
      const numeric = (NUMERIC as readonly string[]).includes(a) && (NUMERIC as readonly string[]).includes(b);
      try {
        // Registering == registers != as its negation.
        env.registerOperator(`${a} == ${b}`, numeric ? sameNumber : () => false);
      } catch {
        // the library has this overload already
      }
    }
  }
  // CEL's int(timestamp): seconds since the epoch.
  env.registerFunction("int(google.protobuf.Timestamp): int", (t: Date) => BigInt(Math.floor(t.getTime() / 1000)));
  return env;
}

const env = environment();

/** A parsed expression, evaluated later against a context's attributes. */
export type CompiledCel = ReturnType<Environment["parse"]>;

/** Parses an expression as expr_create does: a syntax error or one past the limits is a CelError. */
export function compileCel(source: string): CompiledCel {
  if ([...source].length > MAX_CODE_POINTS) throw new CelError(`expression longer than ${MAX_CODE_POINTS} code points`);
  try {
    return env.parse(source);
  } catch (e) {
    if (e instanceof ParseError || e instanceof RangeError) throw new CelError(e.message);
    throw e;
  }
}

// ---- attributes as CEL values ---------------------------------------------------------------

function toCel(v: AttributeValue): unknown {
  switch (v.kind) {
    case "string":
    case "bool":
    case "double":
    case "bytes":
      return v.value;
    case "int":
      return v.value;
    case "uint":
      return new UnsignedInt(v.value);
    case "timestamp":
      return new Date(Number(v.value / 1_000_000n));
    case "duration":
      return new Duration(v.value / 1_000_000_000n, Number(v.value % 1_000_000_000n));
    case "map":
      return new Map(v.value);
    case "list":
      return [...v.value];
  }
}

/**
 * A map whose entries are looked up when read: the library reads a map through `get` (a Map
 * subclass would not do: it checks the constructor), so the instance's own `get` answers.
 */
function lazyMap(prefix: string[], lookup: AttributeLookup): Map<string, unknown> {
  const m = new Map<string, unknown>();
  m.get = (key: string) => {
    const path = [...prefix, key];
    const v = lookup(path);
    if (v === undefined) return undefined;
    return v === "branch" ? lazyMap(path, lookup) : toCel(v);
  };
  return m;
}

function fromCel(v: unknown): CelValue {
  if (v === null || v === undefined) return { kind: "null" };
  if (typeof v === "string") return { kind: "string", value: v };
  if (typeof v === "boolean") return { kind: "bool", value: v };
  if (typeof v === "bigint") return { kind: "int", value: v };
  if (typeof v === "number") return { kind: "double", value: v };
  if (v instanceof UnsignedInt) return { kind: "uint", value: v.value };
  if (v instanceof Uint8Array) return { kind: "bytes", value: v };
  if (v instanceof Date) return { kind: "timestamp", value: BigInt(v.getTime()) * 1_000_000n };
  if (v instanceof Duration) return { kind: "duration", value: v.seconds * 1_000_000_000n + BigInt(v.nanos) };
  if (Array.isArray(v)) return { kind: "celList", items: v.map(fromCel) };
  if (v instanceof Map) return { kind: "celMap", entries: [...v].map(([k, x]) => [fromCel(k), fromCel(x)]) };
  if (typeof v === "object")
    return { kind: "celMap", entries: Object.entries(v).map(([k, x]) => [fromCel(k), fromCel(x)]) };
  throw new CelError(`a result of type ${typeof v} has no CEL form`);
}

/** Evaluates a parsed expression; throws CelError where CEL gives an error value. */
export function evaluateCel(expr: CompiledCel, lookup: AttributeLookup): CelValue {
  try {
    return fromCel(expr(lazyMap([], lookup)));
  } catch (e) {
    if (e instanceof EvaluationError || e instanceof CelTypeError || e instanceof RangeError || e instanceof CelError) {
      throw new CelError(e.message);
    }
    throw e;
  }
}
