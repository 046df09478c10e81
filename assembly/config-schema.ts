// Checks a parsed JSON value against the schema of a typed configuration class, so that a
// configuration json-as would trap on or read wrongly is refused with the field's name first.
// The schema is written by the typed-config transform (asc-transform/typed-config.js), one
// string per @json class:
//   s string   b bool   f float (f32, f64)   i8 i16 i32 i64 u8 u16 u32 u64 integers
//   a anything (not checked)   ?T T or null   [T] array of T   mT object whose values are T
//   {F,F,...} object with fields F = [!]<key length>:<key><T>; `!` marks a required key
// e.g. `{4:porti32,!6:headers,7:methods[s]}`. Keys the schema does not name are allowed (json-as
// skips them) and reported by unknownKeys, for a warning.
import { JsonKind, JsonValue } from "./json";

class SchemaCheck {
  at: i32 = 0;
  error: string = "";
  unknown: string[] = [];

  constructor(private schema: string) {}

  private peek(): i32 {
    return this.at < this.schema.length ? this.schema.charCodeAt(this.at) : -1;
  }

  private fail(path: string, expected: string, value: JsonValue): bool {
    if (this.error.length == 0)
      this.error =
        (path.length == 0 ? "the configuration" : '"' + path + '"') +
        " must be " +
        expected +
        ", not " +
        describe(value);
    return false;
  }

  /** Reads the integer written at the cursor (a key length, an integer type's bits). */
  private digits(): i32 {
    let n = 0;
    while (this.peek() >= 48 && this.peek() <= 57) n = n * 10 + (this.schema.charCodeAt(this.at++) - 48);
    return n;
  }

  /** Moves the cursor past the type at the cursor without checking anything. */
  skip(): void {
    const c = this.schema.charCodeAt(this.at++);
    if (c == 63 /* ? */ || c == 109 /* m */) this.skip();
    else if (c == 91 /* [ */) {
      this.skip();
      this.at++;
    } else if (c == 105 /* i */ || c == 117 /* u */) this.digits();
    else if (c == 123 /* { */) {
      while (this.peek() != 125 /* } */) {
        if (this.peek() == 33 /* ! */) this.at++;
        const length = this.digits(); // before `this.at +=`, which would read the old cursor
        this.at += length + 1;
        this.skip();
        if (this.peek() == 44 /* , */) this.at++;
      }
      this.at++;
    }
  }

  /** Checks `value` against the type at the cursor and moves past it; false on the first error. */
  check(value: JsonValue, path: string): bool {
    const c = this.schema.charCodeAt(this.at++);
    if (c == 63 /* ? */) {
      if (value.kind == JsonKind.Null) {
        this.skip();
        return true;
      }
      return this.check(value, path);
    }
    if (c == 97 /* a */) return true;
    if (c == 115 /* s */) return value.kind == JsonKind.String || this.fail(path, "a string", value);
    if (c == 98 /* b */) return value.kind == JsonKind.Bool || this.fail(path, "true or false", value);
    if (c == 102 /* f */) return value.kind == JsonKind.Number || this.fail(path, "a number", value);
    if (c == 105 /* i */ || c == 117 /* u */) return this.integer(value, path, c == 117, this.digits());
    if (c == 91 /* [ */ || c == 109 /* m */) {
      // An array of T, or an object whose values are T: check each item against the same T.
      const isArray = c == 91;
      if (value.kind != (isArray ? JsonKind.Array : JsonKind.Object)) {
        return this.fail(path, isArray ? "an array" : "an object", value);
      }
      const itemType = this.at;
      const keys = value.objectKeys(); // empty for an array
      for (let i = 0; i < value.length; i++) {
        this.at = itemType;
        const item = isArray ? <JsonValue>value.at(i) : <JsonValue>value.get(unchecked(keys[i]));
        if (!this.check(item, isArray ? path + "[" + i.toString() + "]" : join(path, unchecked(keys[i])))) return false;
      }
      this.at = itemType;
      this.skip();
      if (isArray) this.at++; // ]
      return true;
    }
    // { fields }
    // The first error ends the check, so the cursor need not be moved past a type that fails.
    if (value.kind != JsonKind.Object) return this.fail(path, "an object", value);
    const known = new Array<string>();
    while (this.peek() != 125 /* } */) {
      const required = this.peek() == 33; /* ! */
      if (required) this.at++;
      const length = this.digits();
      const key = this.schema.substring(this.at + 1, this.at + 1 + length);
      this.at += length + 1;
      known.push(key);
      const member = value.get(key);
      if (member === null) {
        if (required) {
          if (this.error.length == 0) this.error = '"' + join(path, key) + '" is required';
          return false;
        }
        this.skip();
      } else if (!this.check(member, join(path, key))) {
        return false;
      }
      if (this.peek() == 44 /* , */) this.at++;
    }
    this.at++;
    const keys = value.objectKeys();
    for (let i = 0; i < keys.length; i++) {
      if (!known.includes(unchecked(keys[i]))) this.unknown.push(join(path, unchecked(keys[i])));
    }
    return true;
  }

  private integer(value: JsonValue, path: string, unsigned: bool, bits: i32): bool {
    // The bounds as f64: exact up to 2^53; i64/u64 values beyond that are refused by the f64 range.
    const max = unsigned ? Math.pow(2, bits) - 1 : Math.pow(2, bits - 1) - 1;
    const min = unsigned ? 0 : -Math.pow(2, bits - 1);
    const n = value.asNumber();
    if (value.kind == JsonKind.Number && n == Math.floor(n) && n >= min && n <= max) return true;
    return this.fail(path, "a whole number from " + formatBound(min) + " to " + formatBound(max), value);
  }
}

function join(path: string, key: string): string {
  return path.length == 0 ? key : path + "." + key;
}

function formatBound(n: f64): string {
  return n < 0 ? "-" + (<u64>-n).toString() : (<u64>n).toString();
}

/** What a value is, for an error message: `"abc"`, `1.5`, `true`, `null`, `an array`, `an object`. */
function describe(value: JsonValue): string {
  if (value.kind == JsonKind.String) {
    const text = <string>value.asString();
    return '"' + (text.length > 40 ? text.substring(0, 40) + "..." : text) + '"';
  }
  if (value.kind == JsonKind.Number) {
    const n = value.asNumber();
    return n == Math.floor(n) && Math.abs(n) < 1e15 ? (<i64>n).toString() : n.toString();
  }
  if (value.kind == JsonKind.Bool) return value.asBool() ? "true" : "false";
  if (value.kind == JsonKind.Null) return "null";
  return value.kind == JsonKind.Array ? "an array" : "an object";
}

/** The outcome of checking a configuration: "" when it fits, and the keys the schema does not know. */
export class SchemaResult {
  constructor(
    public readonly error: string,
    public readonly unknownKeys: string[],
  ) {}
  get ok(): bool {
    return this.error.length == 0;
  }
}

/** Checks `value` against `schema` (the notation above). */
export function checkSchema(value: JsonValue, schema: string): SchemaResult {
  const check = new SchemaCheck(schema);
  check.check(value, "");
  return new SchemaResult(check.error, check.unknown);
}
