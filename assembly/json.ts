import { parseJsonNumber } from "./json-number";
import { decodeUtf8 } from "./runtime/utf8";

// A small JSON reader for plugin and VM configuration (Istio passes `pluginConfig` as JSON).
// It parses UTF-8 bytes straight from the host buffer, never traps on bad input, and reports
// what is wrong and at which byte. Values are read with typed getters that return null (or a
// fallback) for a missing key or a value of another type, never a garbage value.

export enum JsonKind { Null, Bool, Number, String, Array, Object }

export class JsonValue {
  kind: JsonKind = JsonKind.Null;
  private flag: bool = false;
  private number: f64 = 0;
  private text: string = "";
  private items: JsonValue[] | null = null;
  private keys: string[] | null = null;

  static null(): JsonValue { return new JsonValue(); }
  static bool(value: bool): JsonValue { const v = new JsonValue(); v.kind = JsonKind.Bool; v.flag = value; return v; }
  static number(value: f64): JsonValue { const v = new JsonValue(); v.kind = JsonKind.Number; v.number = value; return v; }
  static string(value: string): JsonValue { const v = new JsonValue(); v.kind = JsonKind.String; v.text = value; return v; }
  static array(items: JsonValue[]): JsonValue { const v = new JsonValue(); v.kind = JsonKind.Array; v.items = items; return v; }
  static object(keys: string[], values: JsonValue[]): JsonValue {
    const v = new JsonValue(); v.kind = JsonKind.Object; v.keys = keys; v.items = values; return v;
  }

  get isNull(): bool { return this.kind == JsonKind.Null; }
  get isBool(): bool { return this.kind == JsonKind.Bool; }
  get isNumber(): bool { return this.kind == JsonKind.Number; }
  get isString(): bool { return this.kind == JsonKind.String; }
  get isArray(): bool { return this.kind == JsonKind.Array; }
  get isObject(): bool { return this.kind == JsonKind.Object; }

  /** The string, or null when this is not a string. */
  asString(): string | null { return this.kind == JsonKind.String ? this.text : null; }
  /** The number, or `fallback` when this is not a number. */
  asNumber(fallback: f64 = NaN): f64 { return this.kind == JsonKind.Number ? this.number : fallback; }
  /** The boolean, or `fallback` when this is not a boolean. */
  asBool(fallback: bool = false): bool { return this.kind == JsonKind.Bool ? this.flag : fallback; }
  /** Array items (empty when this is not an array). */
  asArray(): JsonValue[] { return this.kind == JsonKind.Array ? <JsonValue[]>this.items : []; }
  /** Object keys in document order (empty when this is not an object). */
  objectKeys(): string[] { return this.kind == JsonKind.Object ? <string[]>this.keys : []; }

  /** Number of array items or object members. */
  get length(): i32 { return this.items === null ? 0 : (<JsonValue[]>this.items).length; }

  /** Array item `index`, or null when out of range or not an array. */
  at(index: i32): JsonValue | null {
    if (this.kind != JsonKind.Array) return null;
    const items = <JsonValue[]>this.items;
    return index >= 0 && index < items.length ? unchecked(items[index]) : null;
  }

  /** Member `key` of an object (the last one when repeated), or null. */
  get(key: string): JsonValue | null {
    if (this.kind != JsonKind.Object) return null;
    const keys = <string[]>this.keys;
    for (let i = keys.length - 1; i >= 0; i--) {
      if (unchecked(keys[i]) == key) return unchecked((<JsonValue[]>this.items)[i]);
    }
    return null;
  }

  has(key: string): bool { return this.get(key) !== null; }

  /** Member `key` as a string, or null when missing or not a string. */
  getString(key: string): string | null {
    const value = this.get(key);
    return value === null ? null : value.asString();
  }

  /** Member `key` as a number, or `fallback` when missing or not a number. */
  getNumber(key: string, fallback: f64 = NaN): f64 {
    const value = this.get(key);
    return value === null ? fallback : value.asNumber(fallback);
  }

  /** Member `key` as a boolean, or `fallback` when missing or not a boolean. */
  getBool(key: string, fallback: bool = false): bool {
    const value = this.get(key);
    return value === null ? fallback : value.asBool(fallback);
  }

  /** Member `key` as an array of strings; null when missing, not an array, or holding a non-string. */
  getStringArray(key: string): string[] | null {
    const value = this.get(key);
    if (value === null || value.kind != JsonKind.Array) return null;
    const items = <JsonValue[]>value.items;
    const strings = new Array<string>(items.length);
    for (let i = 0; i < items.length; i++) {
      const item = unchecked(items[i]);
      if (item.kind != JsonKind.String) return null;
      unchecked((strings[i] = item.text));
    }
    return strings;
  }
}

/** The outcome of parsing: a value, or an error message with the byte offset where it was found. */
export class JsonResult {
  constructor(
    public readonly value: JsonValue | null,
    public readonly error: string,
    public readonly position: i32,
  ) {}

  get ok(): bool { return this.value !== null; }
}

/** Deeper documents are rejected rather than risk the wasm stack. */
const MAX_DEPTH: i32 = 64;
const KEY_CACHE_SLOTS: usize = 32;

/**
 * Where the run of plain string bytes from `p` ends: at a quote, a backslash, a control
 * character or `end`. Eight bytes per step (a byte's top bit is set in `(x - 0x01..) & ~x` only
 * where x has a zero byte), then byte by byte.
 */
function plainRunEnd(p: usize, end: usize): usize {
  while (p + 8 <= end) {
    const w = load<u64>(p);
    const quote = w ^ 0x2222222222222222;
    const backslash = w ^ 0x5c5c5c5c5c5c5c5c;
    const special = ((quote - 0x0101010101010101) & ~quote) | ((backslash - 0x0101010101010101) & ~backslash) |
      ((w - 0x2020202020202020) & ~w);
    if (special & 0x8080808080808080) break;
    p += 8;
  }
  while (p < end) {
    const c = load<u8>(p);
    if (c == 0x22 || c == 0x5c || c < 0x20) break;
    p++;
  }
  return p;
}

class JsonParser {
  at: usize;
  error: string = "";
  errorAt: usize = 0;
  // The members of the objects and arrays being parsed, as raw pointers: each array is then
  // made at its final size in one allocation instead of growing push by push. Safe from the
  // collector, which runs only between callbacks (runtime/collector.ts), never during a parse.
  stack: usize = 0;
  stackTop: usize = 0;
  stackEnd: usize = 0;
  // Recent object keys by a hash of their bytes: per slot the address of the key's bytes in the
  // document and its string (kept alive by the tree it is in; the cache lives for one parse).
  keyCache: usize = 0;

  constructor(public start: usize, public end: usize) {
    this.at = start;
    this.keyCache = heap.alloc(KEY_CACHE_SLOTS << 3);
    memory.fill(this.keyCache, 0, KEY_CACHE_SLOTS << 3);
  }

  push(item: usize): void {
    if (this.stackTop == this.stackEnd) {
      const used = this.stackTop - this.stack;
      const capacity = max<usize>(256, used << 1);
      this.stack = this.stack == 0 ? heap.alloc(capacity) : heap.realloc(this.stack, capacity);
      this.stackTop = this.stack + used;
      this.stackEnd = this.stack + capacity;
    }
    store<usize>(this.stackTop, item);
    this.stackTop += sizeof<usize>();
  }

  /** The items pushed since `mark` (every `stride`-th from `first`), as an array; they stay pushed. */
  collect<T>(mark: usize, first: usize, stride: usize): Array<T> {
    const count = <i32>((this.stackTop - mark) / (stride * sizeof<usize>()));
    const items = new Array<T>(count);
    let from = mark + first * sizeof<usize>();
    for (let i = 0; i < count; i++) {
      unchecked((items[i] = changetype<T>(load<usize>(from))));
      from += stride * sizeof<usize>();
    }
    return items;
  }

  /** Frees the stack (after the parse). */
  release(): void {
    if (this.stack != 0) heap.free(this.stack);
    this.stack = 0;
    heap.free(this.keyCache);
  }

  fail(message: string): JsonValue | null {
    if (this.error.length == 0) {
      this.error = message;
      this.errorAt = this.at - this.start;
    }
    return null;
  }

  skipSpace(): void {
    while (this.at < this.end) {
      const c = load<u8>(this.at);
      if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
      this.at++;
    }
  }

  /** The byte at the cursor, or -1 at the end. */
  peek(): i32 { return this.at < this.end ? <i32>load<u8>(this.at) : -1; }

  literal(word: string, value: JsonValue): JsonValue | null {
    for (let i = 0; i < word.length; i++) {
      if (this.peek() != word.charCodeAt(i)) return this.fail("invalid literal, expected " + word);
      this.at++;
    }
    return value;
  }

  value(depth: i32): JsonValue | null {
    this.skipSpace();
    const c = this.peek();
    if (c == 0x7b) return this.object(depth);             // {
    if (c == 0x5b) return this.array(depth);              // [
    if (c == 0x22) {                                      // "
      const text = this.string();
      return text === null ? null : JsonValue.string(text);
    }
    if (c == 0x74) return this.literal("true", JsonValue.bool(true));
    if (c == 0x66) return this.literal("false", JsonValue.bool(false));
    if (c == 0x6e) return this.literal("null", JsonValue.null());
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (c < 0) return this.fail("unexpected end of input, expected a value");
    return this.fail("unexpected character '" + String.fromCharCode(c) + "', expected a value");
  }

  object(depth: i32): JsonValue | null {
    if (depth >= MAX_DEPTH) return this.fail("nesting deeper than " + MAX_DEPTH.toString() + " levels");
    this.at++; // {
    const mark = this.stackTop - this.stack; // an offset: the stack may move as it grows
    this.skipSpace();
    if (this.peek() == 0x7d) { this.at++; return JsonValue.object([], []); }
    while (true) {
      this.skipSpace();
      if (this.peek() != 0x22) return this.fail("expected a string key");
      const key = this.key();
      if (key === null) return null;
      this.skipSpace();
      if (this.peek() != 0x3a) return this.fail("expected ':' after key");
      this.at++;
      const member = this.value(depth + 1);
      if (member === null) return null;
      this.push(changetype<usize>(key));
      this.push(changetype<usize>(member));
      this.skipSpace();
      const c = this.peek();
      if (c == 0x2c) { this.at++; continue; }
      if (c == 0x7d) {
        this.at++;
        const from = this.stack + mark;
        const keys = this.collect<string>(from, 0, 2);
        const values = this.collect<JsonValue>(from, 1, 2);
        this.stackTop = from;
        return JsonValue.object(keys, values);
      }
      return this.fail("expected ',' or '}' in object");
    }
  }

  array(depth: i32): JsonValue | null {
    if (depth >= MAX_DEPTH) return this.fail("nesting deeper than " + MAX_DEPTH.toString() + " levels");
    this.at++; // [
    const mark = this.stackTop - this.stack;
    this.skipSpace();
    if (this.peek() == 0x5d) { this.at++; return JsonValue.array([]); }
    while (true) {
      const item = this.value(depth + 1);
      if (item === null) return null;
      this.push(changetype<usize>(item));
      this.skipSpace();
      const c = this.peek();
      if (c == 0x2c) { this.at++; continue; }
      if (c == 0x5d) {
        this.at++;
        const from = this.stack + mark;
        const items = this.collect<JsonValue>(from, 0, 1);
        this.stackTop = from;
        return JsonValue.array(items);
      }
      return this.fail("expected ',' or ']' in array");
    }
  }

  number(): JsonValue | null {
    const begin = this.at;
    if (this.peek() == 0x2d) this.at++;
    // JSON allows no leading zero: "0" alone, or a non-zero digit first.
    if (this.peek() == 0x30) {
      this.at++;
      const next = this.peek();
      if (next >= 0x30 && next <= 0x39) return this.fail("invalid number: leading zero");
    } else if (!this.digits()) {
      return this.fail("invalid number");
    }
    if (this.peek() == 0x2e) { this.at++; if (!this.digits()) return this.fail("invalid number: digits expected after '.'"); }
    const e = this.peek();
    if (e == 0x65 || e == 0x45) {
      this.at++;
      const sign = this.peek();
      if (sign == 0x2b || sign == 0x2d) this.at++;
      if (!this.digits()) return this.fail("invalid number: digits expected in exponent");
    }
    return JsonValue.number(parseJsonNumber(begin, this.at));
  }

  digits(): bool {
    const begin = this.at;
    while (true) {
      const c = this.peek();
      if (c < 0x30 || c > 0x39) break;
      this.at++;
    }
    return this.at > begin;
  }

  /** A string at the cursor (which is on its opening quote); null after an error. */
  string(): string | null {
    this.at++; // "
    let result = "";
    while (true) {
      const run = this.at; // start of the current run of plain bytes
      const stop = plainRunEnd(run, this.end);
      this.at = stop;
      if (stop >= this.end) return <string | null>this.failString("unterminated string");
      const c = load<u8>(stop);
      if (c == 0x22) {
        // No escape (the usual case): the string is the run itself, decoded once.
        const tail = decodeUtf8(run, stop - run);
        this.at++;
        return result.length == 0 ? tail : result + tail;
      }
      if (c < 0x20) return <string | null>this.failString("control character in string");
      // An escape: flush the plain run, then decode it.
      result += decodeUtf8(run, stop - run);
      this.at++;
      if (this.at >= this.end) return <string | null>this.failString("unterminated escape");
      const e = load<u8>(this.at++);
      if (e == 0x22) result += "\"";
      else if (e == 0x5c) result += "\\";
      else if (e == 0x2f) result += "/";
      else if (e == 0x62) result += "\b";
      else if (e == 0x66) result += "\f";
      else if (e == 0x6e) result += "\n";
      else if (e == 0x72) result += "\r";
      else if (e == 0x74) result += "\t";
      else if (e == 0x75) {
        const unit = this.hex4();
        if (unit < 0) return <string | null>this.failString("invalid \\u escape");
        result += String.fromCharCode(unit); // surrogate pairs arrive as two escapes
      } else {
        this.at--;
        return <string | null>this.failString("invalid escape");
      }
    }
  }

  /**
   * An object key: as `string`, but a key seen before in this document (the same members in
   * every item of an array of objects, the usual configuration) is the same string, decoded once.
   */
  key(): string | null {
    const begin = this.at + 1;
    const stop = plainRunEnd(begin, this.end);
    if (stop >= this.end || load<u8>(stop) != 0x22) return this.string(); // escapes: not cached
    const length = stop - begin;
    const slot = this.keyCache + ((((<usize>load<u8>(begin) * 31) ^ length ^ (<usize>load<u8>(stop - 1) << 3)) & (KEY_CACHE_SLOTS - 1)) << 3);
    const cachedAt = load<usize>(slot);
    if (cachedAt != 0) {
      const cached = changetype<string>(load<usize>(slot, 4));
      if (<usize>cached.length == length && memory.compare(cachedAt, begin, length) == 0) {
        this.at = stop + 1;
        return cached;
      }
    }
    // No escape: the key is the run just scanned, decoded once (string() would scan it again).
    const text = decodeUtf8(begin, length);
    this.at = stop + 1;
    // Only ASCII keys are cached: their length in bytes is their length in code units.
    if (<usize>text.length == length) {
      store<usize>(slot, begin);
      store<usize>(slot, changetype<usize>(text), 4);
    }
    return text;
  }

  failString(message: string): string | null {
    this.fail(message);
    return null;
  }

  hex4(): i32 {
    if (this.end - this.at < 4) return -1;
    let unit = 0;
    for (let i = 0; i < 4; i++) {
      const c = <i32>load<u8>(this.at++);
      let digit: i32;
      if (c >= 0x30 && c <= 0x39) digit = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) digit = c - 0x61 + 10;
      else if (c >= 0x41 && c <= 0x46) digit = c - 0x41 + 10;
      else return -1;
      unit = (unit << 4) | digit;
    }
    return unit;
  }
}

/** Parses UTF-8 JSON bytes. */
export function parseJson(data: ArrayBuffer): JsonResult {
  const start = changetype<usize>(data);
  const parser = new JsonParser(start, start + <usize>data.byteLength);
  const value = parser.value(0);
  parser.release();
  if (value !== null) {
    parser.skipSpace();
    if (parser.at < parser.end) parser.fail("unexpected data after the document");
  }
  if (parser.error.length > 0) return new JsonResult(null, parser.error, <i32>parser.errorAt);
  return new JsonResult(value, "", 0);
}

/** Parses JSON text. */
export function parseJsonString(text: string): JsonResult {
  return parseJson(String.UTF8.encode(text));
}
