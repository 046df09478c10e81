// A subset of CEL (Common Expression Language) for the emulated expr_create / expr_evaluate
// foreign functions. Envoy evaluates full CEL with Google's cel-cpp; this covers what filters
// write against attributes:
//   literals      "str" 'str' 42 42u 1.5 true false null [a, b]
//   attributes    request.path  request.headers['x-id']  source.port  xds.route_metadata...
//   operators     ! - * / % + - < <= > >= == != in && || ?:
//   functions     size(x) x.size() s.startsWith(p) s.endsWith(p) s.contains(p) s.matches(re)
//                 int(x) uint(x) double(x) string(x) has(a.b) duration("1.5s") timestamp("2024-01-01T00:00:00Z")
//   time          timestamp ± duration, duration ± duration, timestamp - timestamp, comparisons
// Semantics follow CEL: integer overflow and division by zero are errors, && and || absorb an
// error when the other side decides, a missing attribute is an error ("no such attribute"),
// numbers of different kinds compare by value. Not covered: macros other than has() (all,
// exists, map, filter), map literals, bytes literals, the timestamp accessors (getHours(), ...),
// message construction. `matches` uses JavaScript regular expressions, which differ from RE2 at the edges.
import type { AttributeValue } from "./attribute-value.js";
import type { Pair } from "./pairs.js";

export type CelValue =
  | AttributeValue
  | { kind: "null" }
  | { kind: "celList"; items: CelValue[] };

export class CelError extends Error {}

/** Looks up an attribute path (["request","path"]); undefined when the proxy has no such attribute. */
export type AttributeResolver = (path: string[]) => CelValue | undefined;

type Node =
  | { t: "lit"; v: CelValue }
  | { t: "path"; segs: string[] }
  | { t: "member"; obj: Node; name: string }
  | { t: "index"; obj: Node; idx: Node }
  | { t: "call"; fn: string; target: Node | null; args: Node[] }
  | { t: "unary"; op: string; e: Node }
  | { t: "bin"; op: string; l: Node; r: Node }
  | { t: "cond"; c: Node; a: Node; b: Node }
  | { t: "list"; items: Node[] };

// ---- lexer --------------------------------------------------------------------------------

type Token = { k: "num" | "str" | "id" | "op" | "end"; v: string; uint?: boolean; float?: boolean };

const OPS = ["&&", "||", "==", "!=", "<=", ">=", "<", ">", "!", "+", "-", "*", "/", "%", "?", ":", "(", ")", "[", "]", ".", ","];

function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^(0x[0-9a-fA-F]+|\d+(\.\d+)?([eE][+-]?\d+)?)(u|U)?/.exec(src.slice(i))!;
      out.push({ k: "num", v: m[1], uint: m[4] !== undefined, float: m[2] !== undefined || m[3] !== undefined });
      i += m[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      let s = "";
      i++;
      for (;;) {
        if (i >= src.length) throw new CelError("unterminated string");
        const ch = src[i++];
        if (ch === c) break;
        if (ch === "\\") {
          const e = src[i++];
          const esc: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"' };
          if (!(e in esc)) throw new CelError(`unsupported escape \\${e}`);
          s += esc[e];
        } else s += ch;
      }
      out.push({ k: "str", v: s });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      out.push({ k: "id", v: m[0] });
      i += m[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new CelError(`unexpected character '${c}'`);
    out.push({ k: "op", v: op });
    i += op.length;
  }
  out.push({ k: "end", v: "" });
  return out;
}

// ---- parser -------------------------------------------------------------------------------

/** Parses an expression; throws CelError on a syntax error (Envoy: expr_create answers BAD_ARGUMENT). */
export function parseCel(src: string): Node {
  const toks = lex(src);
  let p = 0;
  const peek = () => toks[p];
  const isOp = (v: string) => toks[p].k === "op" && toks[p].v === v;
  const expect = (v: string) => {
    if (!isOp(v)) throw new CelError(`expected '${v}' at token ${p}`);
    p++;
  };

  // cel-cpp's parser refuses nesting past 250 levels (ParserOptions.max_recursion_depth).
  let depth = 0;
  const nested = <T>(parse: () => T): T => {
    if (++depth > 250) throw new CelError("expression nests too deeply");
    try {
      return parse();
    } finally {
      depth--;
    }
  };
  const ternary = (): Node => nested(() => {
    const c = or();
    if (!isOp("?")) return c;
    p++;
    const a = or();
    expect(":");
    return { t: "cond", c, a, b: ternary() };
  });
  const binary = (next: () => Node, ops: string[]) => (): Node => {
    let l = next();
    for (;;) {
      const t = peek();
      const op = t.k === "op" && ops.includes(t.v) ? t.v : t.k === "id" && t.v === "in" && ops.includes("in") ? "in" : null;
      if (!op) return l;
      p++;
      l = { t: "bin", op, l, r: next() };
    }
  };
  const unary = (): Node => {
    if (isOp("!") || isOp("-")) {
      const op = toks[p++].v;
      return nested(() => ({ t: "unary", op, e: unary() }));
    }
    return postfix();
  };
  const mul = binary(unary, ["*", "/", "%"]);
  const add = binary(mul, ["+", "-"]);
  const rel = binary(add, ["<", "<=", ">", ">=", "==", "!=", "in"]);
  const and = binary(rel, ["&&"]);
  const or = binary(and, ["||"]);

  const args = (): Node[] => {
    expect("(");
    const list: Node[] = [];
    if (!isOp(")")) {
      list.push(ternary());
      while (isOp(",")) {
        p++;
        list.push(ternary());
      }
    }
    expect(")");
    return list;
  };

  const postfix = (): Node => {
    let n = primary();
    for (;;) {
      if (isOp(".")) {
        p++;
        const t = toks[p++];
        if (t.k !== "id") throw new CelError("expected a field name after '.'");
        if (isOp("(")) n = { t: "call", fn: t.v, target: n, args: args() };
        else n = n.t === "path" ? { t: "path", segs: [...n.segs, t.v] } : { t: "member", obj: n, name: t.v };
      } else if (isOp("[")) {
        p++;
        const idx = ternary();
        expect("]");
        n = n.t === "path" && idx.t === "lit" && idx.v.kind === "string"
          ? { t: "path", segs: [...n.segs, idx.v.value] }
          : { t: "index", obj: n, idx };
      } else return n;
    }
  };

  const primary = (): Node => {
    const t = toks[p++];
    if (t.k === "num") {
      if (t.float) return { t: "lit", v: { kind: "double", value: Number(t.v) } };
      const v = BigInt(t.v);
      if (t.uint) {
        if (v > 0xffffffffffffffffn) throw new CelError("uint literal out of range");
        return { t: "lit", v: { kind: "uint", value: v } };
      }
      if (v > 0x7fffffffffffffffn) throw new CelError("int literal out of range");
      return { t: "lit", v: { kind: "int", value: v } };
    }
    if (t.k === "str") return { t: "lit", v: { kind: "string", value: t.v } };
    if (t.k === "id") {
      if (t.v === "true" || t.v === "false") return { t: "lit", v: { kind: "bool", value: t.v === "true" } };
      if (t.v === "null") return { t: "lit", v: { kind: "null" } };
      if (isOp("(")) return { t: "call", fn: t.v, target: null, args: args() };
      return { t: "path", segs: [t.v] };
    }
    if (t.k === "op" && t.v === "(") {
      const e = ternary();
      expect(")");
      return e;
    }
    if (t.k === "op" && t.v === "[") {
      const items: Node[] = [];
      if (!isOp("]")) {
        items.push(ternary());
        while (isOp(",")) {
          p++;
          items.push(ternary());
        }
      }
      expect("]");
      return { t: "list", items };
    }
    throw new CelError(`unexpected ${t.k === "end" ? "end of expression" : `'${t.v}'`}`);
  };

  const root = ternary();
  if (peek().k !== "end") throw new CelError(`unexpected '${peek().v}' after the expression`);
  return root;
}

// ---- evaluation ---------------------------------------------------------------------------

const INT_MIN = -(2n ** 63n), INT_MAX = 2n ** 63n - 1n, UINT_MAX = 2n ** 64n - 1n;

function checkInt(v: bigint, kind: "int" | "uint"): CelValue {
  if (kind === "int" ? v < INT_MIN || v > INT_MAX : v < 0n || v > UINT_MAX) throw new CelError(`${kind} overflow`);
  return { kind, value: v };
}

const isNum = (v: CelValue): boolean => v.kind === "int" || v.kind === "uint" || v.kind === "double";
const bigOf = (v: CelValue): bigint => (v as { value: bigint }).value;

function num(v: CelValue): number {
  return Number((v as { value: bigint | number }).value);
}

function mapEntries(v: CelValue): Pair[] | null {
  return v.kind === "map" ? v.value : null;
}

function equals(a: CelValue, b: CelValue): boolean {
  if (isNum(a) && isNum(b)) {
    if (a.kind !== "double" && b.kind !== "double") return bigOf(a) === bigOf(b);
    return num(a) === num(b);
  }
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case "null":
      return true;
    case "bytes": {
      const x = a.value, y = (b as typeof a).value;
      return x.length === y.length && x.every((c, i) => c === y[i]);
    }
    case "celList": {
      const y = (b as typeof a).items;
      return a.items.length === y.length && a.items.every((c, i) => equals(c, y[i]));
    }
    case "list":
    case "map":
      return JSON.stringify(a.value) === JSON.stringify((b as typeof a).value);
    default:
      return (a as { value: unknown }).value === (b as { value: unknown }).value;
  }
}

function compare(a: CelValue, b: CelValue): number {
  if (isNum(a) && isNum(b)) {
    if (a.kind !== "double" && b.kind !== "double") return bigOf(a) < bigOf(b) ? -1 : bigOf(a) > bigOf(b) ? 1 : 0;
    return num(a) < num(b) ? -1 : num(a) > num(b) ? 1 : 0;
  }
  if (a.kind === b.kind && (a.kind === "string" || a.kind === "timestamp" || a.kind === "duration" || a.kind === "bool")) {
    const x = (a as { value: string | bigint | boolean }).value, y = (b as { value: string | bigint | boolean }).value;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  throw new CelError(`no matching overload for comparing ${a.kind} and ${b.kind}`);
}

/** CEL's duration("1h2m3.5s"): a sequence of decimal numbers with units h, m, s, ms, us, ns. */
function parseDuration(text: string): bigint {
  const units: Record<string, bigint> = { h: 3_600_000_000_000n, m: 60_000_000_000n, s: 1_000_000_000n, ms: 1_000_000n, us: 1_000n, ns: 1n };
  const m = /^(-?)((?:\d+(?:\.\d+)?(?:h|ms|m|s|us|ns))+)$/.exec(text);
  if (!m) throw new CelError(`invalid duration '${text}'`);
  let total = 0n;
  for (const [, num, unit] of m[2].matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|ns)/g)) {
    const [whole, frac = ""] = num.split(".");
    const scale = units[unit];
    total += BigInt(whole) * scale + (frac ? (BigInt(frac) * scale) / 10n ** BigInt(frac.length) : 0n);
  }
  return m[1] ? -total : total;
}

/** CEL's timestamp("2024-01-01T00:00:00Z"): RFC 3339, to nanoseconds since the epoch. */
function parseTimestamp(text: string): bigint {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  const ms = m ? Date.parse(`${m[1]}${m[3]}`) : NaN;
  if (!m || Number.isNaN(ms)) throw new CelError(`invalid timestamp '${text}'`);
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? "").padEnd(9, "0"));
}

function arith(op: string, a: CelValue, b: CelValue): CelValue {
  // Time: timestamp ± duration, duration ± duration, timestamp - timestamp.
  if ((op === "+" || op === "-") && (a.kind === "timestamp" || a.kind === "duration") &&
      (b.kind === "timestamp" || b.kind === "duration")) {
    const x = bigOf(a), y = bigOf(b);
    if (a.kind === "timestamp" && b.kind === "timestamp") {
      if (op === "+") throw new CelError("no matching overload for timestamp + timestamp");
      return { kind: "duration", value: x - y };
    }
    if (a.kind === "duration" && b.kind === "timestamp" && op === "-") throw new CelError("no matching overload for duration - timestamp");
    const kind = a.kind === "timestamp" || b.kind === "timestamp" ? "timestamp" : "duration";
    return { kind, value: op === "+" ? x + y : x - y };
  }
  if (op === "+" && a.kind === "string" && b.kind === "string") return { kind: "string", value: a.value + b.value };
  if (op === "+" && a.kind === "celList" && b.kind === "celList") return { kind: "celList", items: [...a.items, ...b.items] };
  if ((a.kind === "int" || a.kind === "uint") && a.kind === b.kind) {
    const x = a.value, y = (b as typeof a).value;
    if ((op === "/" || op === "%") && y === 0n) throw new CelError(op === "/" ? "divide by zero" : "modulus by zero");
    const r = op === "+" ? x + y : op === "-" ? x - y : op === "*" ? x * y : op === "/" ? x / y : x % y;
    return checkInt(r, a.kind);
  }
  if (a.kind === "double" && b.kind === "double") {
    if (op === "%") throw new CelError("no matching overload for double %");
    const x = a.value, y = b.value;
    return { kind: "double", value: op === "+" ? x + y : op === "-" ? x - y : op === "*" ? x * y : x / y };
  }
  throw new CelError(`no matching overload for ${a.kind} ${op} ${b.kind}`);
}

function size(v: CelValue): CelValue {
  if (v.kind === "string") return { kind: "int", value: BigInt([...v.value].length) };
  if (v.kind === "bytes") return { kind: "int", value: BigInt(v.value.length) };
  if (v.kind === "celList") return { kind: "int", value: BigInt(v.items.length) };
  if (v.kind === "list" || v.kind === "map") return { kind: "int", value: BigInt(v.value.length) };
  throw new CelError(`no matching overload for size(${v.kind})`);
}

function convert(fn: string, v: CelValue): CelValue {
  switch (fn) {
    case "int":
      if (v.kind === "int") return v;
      if (v.kind === "uint" || v.kind === "timestamp") return checkInt(v.value / (v.kind === "timestamp" ? 1_000_000_000n : 1n), "int");
      if (v.kind === "double") {
        if (!Number.isFinite(v.value)) throw new CelError("int overflow");
        return checkInt(BigInt(Math.trunc(v.value)), "int");
      }
      if (v.kind === "string" && /^-?\d+$/.test(v.value)) return checkInt(BigInt(v.value), "int");
      break;
    case "uint":
      if (v.kind === "uint") return v;
      if (v.kind === "int") return checkInt(v.value, "uint");
      if (v.kind === "double") {
        if (!Number.isFinite(v.value)) throw new CelError("uint overflow");
        return checkInt(BigInt(Math.trunc(v.value)), "uint");
      }
      if (v.kind === "string" && /^\d+$/.test(v.value)) return checkInt(BigInt(v.value), "uint");
      break;
    case "double":
      if (isNum(v)) return { kind: "double", value: num(v) };
      if (v.kind === "string" && v.value.trim() !== "" && !Number.isNaN(Number(v.value))) return { kind: "double", value: Number(v.value) };
      break;
    case "string":
      if (v.kind === "string") return v;
      if (v.kind === "int" || v.kind === "uint") return { kind: "string", value: v.value.toString() };
      if (v.kind === "double") return { kind: "string", value: String(v.value) };
      if (v.kind === "bool") return { kind: "string", value: String(v.value) };
      if (v.kind === "bytes") return { kind: "string", value: new TextDecoder().decode(v.value) };
      break;
  }
  throw new CelError(`no matching overload for ${fn}(${v.kind})`);
}

function asBool(v: CelValue): boolean {
  if (v.kind !== "bool") throw new CelError(`expected bool, got ${v.kind}`);
  return v.value;
}

function select(obj: CelValue, name: string): CelValue {
  const entries = mapEntries(obj);
  if (!entries) throw new CelError(`no such key '${name}' on ${obj.kind}`);
  const hit = entries.find(([k]) => k === name);
  if (!hit) throw new CelError(`no such key: ${name}`);
  return { kind: "string", value: hit[1] };
}

/** Evaluates a parsed expression; throws CelError when CEL would produce an error value. */
export function evaluateCel(node: Node, resolve: AttributeResolver): CelValue {
  const ev = (n: Node): CelValue => evaluateCel(n, resolve);
  switch (node.t) {
    case "lit":
      return node.v;
    case "path": {
      const v = resolve(node.segs);
      if (v === undefined) throw new CelError(`no such attribute: ${node.segs.join(".")}`);
      return v;
    }
    case "member":
      return select(ev(node.obj), node.name);
    case "index": {
      const obj = ev(node.obj), idx = ev(node.idx);
      if (obj.kind === "celList") {
        if (idx.kind !== "int" && idx.kind !== "uint") throw new CelError("list index must be an integer");
        const item = obj.items[Number(idx.value)];
        if (idx.value < 0n || item === undefined) throw new CelError("index out of range");
        return item;
      }
      if (idx.kind !== "string") throw new CelError("map key must be a string");
      return select(obj, idx.value);
    }
    case "list":
      return { kind: "celList", items: node.items.map(ev) };
    case "unary": {
      const v = ev(node.e);
      if (node.op === "!") return { kind: "bool", value: !asBool(v) };
      if (v.kind === "int") return checkInt(-v.value, "int");
      if (v.kind === "double") return { kind: "double", value: -v.value };
      throw new CelError(`no matching overload for -${v.kind}`);
    }
    case "cond":
      return asBool(ev(node.c)) ? ev(node.a) : ev(node.b);
    case "bin": {
      if (node.op === "&&" || node.op === "||") {
        const decisive = node.op === "||";
        let leftError: unknown = null;
        try {
          if (asBool(ev(node.l)) === decisive) return { kind: "bool", value: decisive };
        } catch (e) {
          leftError = e;
        }
        const right = asBool(ev(node.r));
        if (right === decisive) return { kind: "bool", value: decisive };
        if (leftError) throw leftError;
        return { kind: "bool", value: !decisive };
      }
      const l = ev(node.l), r = ev(node.r);
      switch (node.op) {
        case "==":
          return { kind: "bool", value: equals(l, r) };
        case "!=":
          return { kind: "bool", value: !equals(l, r) };
        case "<":
          return { kind: "bool", value: compare(l, r) < 0 };
        case "<=":
          return { kind: "bool", value: compare(l, r) <= 0 };
        case ">":
          return { kind: "bool", value: compare(l, r) > 0 };
        case ">=":
          return { kind: "bool", value: compare(l, r) >= 0 };
        case "in": {
          if (r.kind === "celList") return { kind: "bool", value: r.items.some((x) => equals(x, l)) };
          const entries = mapEntries(r);
          if (entries && l.kind === "string") return { kind: "bool", value: entries.some(([k]) => k === l.value) };
          throw new CelError(`no matching overload for ${l.kind} in ${r.kind}`);
        }
        default:
          return arith(node.op, l, r);
      }
    }
    case "call": {
      const { fn } = node;
      if (fn === "has" && node.target === null) {
        const arg = node.args[0];
        if (node.args.length !== 1 || arg.t !== "path" || arg.segs.length < 2) throw new CelError("has() needs a field selection");
        return { kind: "bool", value: resolve(arg.segs) !== undefined };
      }
      const target = node.target === null ? null : ev(node.target);
      const args = node.args.map(ev);
      if (fn === "size") {
        const v = target ?? args[0];
        if (!v || args.length !== (target ? 0 : 1)) throw new CelError("size() takes one value");
        return size(v);
      }
      if (["int", "uint", "double", "string"].includes(fn) && target === null && args.length === 1) return convert(fn, args[0]);
      if ((fn === "duration" || fn === "timestamp") && target === null && args.length === 1 && args[0].kind === "string") {
        const text = args[0].value;
        return fn === "duration" ? { kind: "duration", value: parseDuration(text) } : { kind: "timestamp", value: parseTimestamp(text) };
      }
      if (["startsWith", "endsWith", "contains", "matches"].includes(fn) && target && args.length === 1) {
        const [a] = args;
        if (target.kind !== "string" || a.kind !== "string") throw new CelError(`no matching overload for ${fn}`);
        const s = target.value, x = a.value;
        if (fn === "matches") {
          let re: RegExp;
          try {
            re = new RegExp(x, "u");
          } catch {
            throw new CelError(`invalid regular expression: ${x}`);
          }
          return { kind: "bool", value: re.test(s) };
        }
        return { kind: "bool", value: fn === "startsWith" ? s.startsWith(x) : fn === "endsWith" ? s.endsWith(x) : s.includes(x) };
      }
      throw new CelError(`unknown function ${fn}`);
    }
  }
}
