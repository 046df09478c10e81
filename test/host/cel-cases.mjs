// A sample of CEL behaviour, written for this project from the CEL language definition
// (github.com/google/cel-spec, doc/langdef.md) for what Envoy's attribute expressions use:
// arithmetic with CEL's integer rules, strings, bytes, lists, maps, has(), the macros, time,
// membership, the ternary, comparison across types, and errors. Each case is an expression, the
// attributes it reads (as Envoy gives them: request.*, source.*, ... as maps) and the value it
// must give, in a neutral typed form so that any evaluator can be checked against it
// (test/host/cel.test.ts for the emulator; test/host/cel-candidates.mjs compares libraries).

export const int = (n) => ({ int: String(n) });
export const uint = (n) => ({ uint: String(n) });
export const double = (x) => ({ double: x });
export const bytes = (hex) => ({ bytes: hex });
export const list = (...items) => ({ list: items });
export const map = (...entries) => ({ map: entries });
export const timestamp = (iso) => ({ timestamp: iso });
/** A duration in nanoseconds. */
export const duration = (ns) => ({ duration: String(ns) });
export const NULL = { null: true };
export const ERROR = { error: true };

const SECOND = 1_000_000_000n;

/** The attributes the cases read, as Envoy's expression context has them. */
export const ATTRIBUTES = {
  request: map(
    ["path", "/api/v1/items?id=7"],
    ["method", "GET"],
    ["headers", map(["x-id", "7"], ["user-agent", "curl/8"])],
    ["size", int(120)],
    ["time", timestamp("2024-01-01T00:00:00Z")],
  ),
  source: map(["address", "10.0.0.2:52000"], ["port", int(52000)]),
  connection: map(["mtls", false], ["id", uint(3)]),
  response: map(["code", int(503)]),
};

/** [expression, expected]; every case reads ATTRIBUTES. */
export const CASES = [
  // arithmetic
  ["1 + 2 * 3", int(7)],
  ["7 / 2", int(3)],
  ["-7 / 2", int(-3)],
  ["-7 % 3", int(-1)],
  ["9223372036854775807 + 1", ERROR],
  ["-9223372036854775808 - 1", ERROR],
  ["1 / 0", ERROR],
  ["1 % 0", ERROR],
  ["5u + 3u", uint(8)],
  ["0u - 1u", ERROR],
  ["1 + 1u", ERROR],
  ["1.5 + 2.25", double(3.75)],
  ["2.0 * 3", ERROR],
  ["0x1F", int(31)],
  ["-(5)", int(-5)],
  ["18446744073709551615u", uint("18446744073709551615")],
  ["int(3.9)", int(3)],
  ["int('42')", int(42)],
  ["int('x')", ERROR],
  ["uint(-1)", ERROR],
  ["double('2.5')", double(2.5)],
  ["double(3)", double(3)],
  ["1.0 / 0.0 > 1e308", true],
  // strings
  ["'a' + 'b'", "ab"],
  ["'it\\'s'", "it's"],
  ["'\\u00e9'", "é"],
  ["size('héllo')", int(5)],
  ["'hello'.size()", int(5)],
  ["'hello'.startsWith('he')", true],
  ["'hello'.endsWith('lo')", true],
  ["'hello'.contains('ell')", true],
  ["'abc123'.matches('^[a-z]+[0-9]+$')", true],
  ["'abc'.matches('[')", ERROR],
  ["string(42)", "42"],
  ["string(1.5)", "1.5"],
  ["string(true)", "true"],
  ["r'a\\nb'", "a\\nb"],
  ["'''x'''", "x"],
  ["'a' < 'b'", true],
  ["'abc' == 'abc'", true],
  ["'abc'.size() + 1", int(4)],
  // bytes
  ["b'abc'", bytes("616263")],
  ["size(b'abc')", int(3)],
  ["bytes('é')", bytes("c3a9")],
  ["string(b'\\xc3\\xa9')", "é"],
  ["b'a' + b'b'", bytes("6162")],
  // logic
  ["true && false", false],
  ["!true", false],
  ["false || true", true],
  ["(1 / 0 > 0) || true", true],
  ["true && (1 / 0 > 0)", ERROR],
  ["false && (1 / 0 > 0)", false],
  ["true ? 1 : 2", int(1)],
  ["false ? 1 / 0 : 2", int(2)],
  ["1 < 2 && 2 < 3", true],
  ["1 + 2 == 3 ? 'yes' : 'no'", "yes"],
  // comparison across types
  ["1 == 1.0", true],
  ["1 < 1.5", true],
  ["2u > 1", true],
  ["1 == '1'", false],
  ["null == null", true],
  ["[1, 2] == [1, 2]", true],
  ["{'a': 1} == {'a': 1}", true],
  ["'a' < 1", ERROR],
  // lists
  ["[1, 2, 3][1]", int(2)],
  ["[1, 2, 3][5]", ERROR],
  ["size([1, 2, 3])", int(3)],
  ["2 in [1, 2, 3]", true],
  ["[1] + [2]", list(int(1), int(2))],
  ["[1, 2, 3].all(x, x > 0)", true],
  ["[1, 2, 3].exists(x, x == 2)", true],
  ["[1, 2, 3].exists_one(x, x > 1)", false],
  ["[1, 2, 3].map(x, x * 2)", list(int(2), int(4), int(6))],
  ["[1, 2, 3].filter(x, x > 1)", list(int(2), int(3))],
  ["[1, 2, 3].map(x, x > 1, x * 10)", list(int(20), int(30))],
  ["[].all(x, x > 0)", true],
  ["[1, 0].all(x, 1 / x > 0)", ERROR],
  ["[0, 1].exists(x, 1 / x > 0)", true],
  // maps
  ["{'a': 1, 'b': 2}['b']", int(2)],
  ["{'a': 1}.a", int(1)],
  ["{'a': 1}['z']", ERROR],
  ["'a' in {'a': 1}", true],
  ["size({'a': 1, 'b': 2})", int(2)],
  ["{'a': 1, 'b': 2}.all(k, k != '')", true],
  ["{1: 'x'}[1]", "x"],
  ["{'a': 1, 'a': 2}", ERROR],
  // has()
  ["has(request.headers.foo)", false],
  ["has(request.method)", true],
  ["has({'a': 1}.a)", true],
  // Envoy's attributes
  ["request.path.startsWith('/api')", true],
  ["request.headers['x-id'] == '7'", true],
  ["request.size > 100", true],
  ["source.port == 52000", true],
  ["connection.mtls", false],
  ["connection.id == 3u", true],
  ["request.headers['missing']", ERROR],
  ["unknown_attribute", ERROR],
  ["response.code >= 500 || response.code == 429", true],
  ["request.method in ['GET', 'HEAD']", true],
  ["request.headers.exists(k, k.startsWith('x-'))", true],
  ["request.time > timestamp('2023-01-01T00:00:00Z')", true],
  // time
  ["timestamp('2024-01-01T00:00:00Z') + duration('1h')", timestamp("2024-01-01T01:00:00Z")],
  ["duration('1h30m') == duration('90m')", true],
  ["timestamp('2024-01-02T00:00:00Z') - timestamp('2024-01-01T00:00:00Z')", duration(86_400n * SECOND)],
  ["timestamp('2024-01-01T00:00:00Z') < timestamp('2024-06-01T00:00:00Z')", true],
  ["timestamp('2024-03-15T10:20:30Z').getHours()", int(10)],
  ["timestamp('2024-03-15T10:20:30Z').getFullYear()", int(2024)],
  ["timestamp('2024-03-15T10:20:30Z').getMonth()", int(2)],
  ["timestamp('2024-03-15T10:20:30Z').getDayOfMonth()", int(14)],
  ["duration('1.5s')", duration(1_500_000_000n)],
  ["duration('x')", ERROR],
  ["int(timestamp('1970-01-01T00:01:00Z'))", int(60)],
  ["timestamp('not a time')", ERROR],
  // types
  ["type(1) == int", true],
  ["type('a') == string", true],
  ["dyn(1) + 1", int(2)],
  // syntax
  ["1 +", ERROR],
];

// ---- the emulator's forms (host/wasm/cel.ts), for the test and the comparison ----------------------

const hex = (b) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");

/** A neutral attribute value as the emulator's AttributeValue ({ kind, value }). */
function attributeValue(v) {
  if (typeof v === "string") return { kind: "string", value: v };
  if (typeof v === "boolean") return { kind: "bool", value: v };
  if ("int" in v) return { kind: "int", value: BigInt(v.int) };
  if ("uint" in v) return { kind: "uint", value: BigInt(v.uint) };
  if ("double" in v) return { kind: "double", value: v.double };
  if ("timestamp" in v) return { kind: "timestamp", value: BigInt(Date.parse(v.timestamp)) * 1_000_000n };
  if ("map" in v) return { kind: "map", value: v.map.map(([k, x]) => [k, x]) };
  throw new Error(`no attribute form for ${JSON.stringify(v)}`);
}

/** The emulator's AttributeLookup over ATTRIBUTES: nested maps are branches, their leaves values. */
export function attributeLookup(path) {
  let v = { map: Object.entries(ATTRIBUTES) };
  for (const segment of path) {
    const hit = typeof v === "object" && "map" in v ? v.map.find(([k]) => k === segment) : undefined;
    if (!hit) return undefined;
    v = hit[1];
  }
  const leafMap = typeof v === "object" && "map" in v && v.map.every(([, x]) => typeof x === "string");
  if (typeof v === "object" && "map" in v && !leafMap) return "branch";
  return attributeValue(v);
}

/** An emulator CelValue in the neutral form of the cases. */
export function neutral(c) {
  switch (c.kind) {
    case "int":
    case "uint":
    case "duration":
      return { [c.kind]: String(c.value) };
    case "timestamp":
      return { timestamp: new Date(Number(c.value / 1_000_000n)).toISOString().replace(".000Z", "Z") };
    case "double":
      return { double: c.value };
    case "string":
    case "bool":
      return c.value;
    case "null":
      return NULL;
    case "bytes":
      return { bytes: hex(c.value) };
    case "celList":
      return { list: c.items.map(neutral) };
    case "celMap":
      return { map: c.entries.map(([k, x]) => [neutral(k), neutral(x)]) };
    case "map":
      return { map: c.value };
    case "list":
      return { list: c.value };
  }
}
