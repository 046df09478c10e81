// The asc transform for typed configuration (asconfig.typed-config.json): json-as's transform,
// plus three things a filter needs from it.
//
// 1. json-as 1.6.0 turns every source whose path is "assembly/index" into a library file (it
//    means its own index; see the end of its afterParse). A filter's entry is usually
//    assembly/index.ts: demoted, its `export * from "proxy-wasm-as/assembly/proxy"` exports
//    nothing and asc writes a 55-byte module without a callback, with no error. The entries'
//    kind is put back after json-as ran.
// 2. If a build still ends with no proxy_on_* export, it fails here, naming the cause, instead
//    of writing a module that a proxy loads and never calls.
// 3. json-as traps on malformed input and silently takes wrong values (1.5 for an i32 field
//    gives 85, 300 for a u8 gives 44, "yes" for a bool keeps the default). Each @json class
//    gets a method `__PROXY_SCHEMA(): string` describing its fields, which
//    proxy-wasm-as/assembly/typed-config checks the configuration against (with the SDK's own
//    JSON reader) before json-as reads it. The schema notation is in assembly/config-schema.ts.
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CommonFlags, NodeKind, Parser, Source, SourceKind, Tokenizer } from "assemblyscript/dist/assemblyscript.js";

// json-as is the filter project's dependency: found from the project (the directory asc runs
// in) first, then from this package (a linked SDK has none of its own).
function resolveJsonAs() {
  for (const base of [join(process.cwd(), "package.json"), import.meta.url]) {
    try {
      return createRequire(base).resolve("json-as/transform");
    } catch {
      // not installed there
    }
  }
  throw new Error("typed-config: json-as is not installed: npm install --save-dev json-as@1.6.0");
}
const { default: JsonTransform } = await import(pathToFileURL(resolveJsonAs()).href);

export const SCHEMA_METHOD = "__PROXY_SCHEMA";

const INTEGERS = new Set(["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "isize", "usize"]);
const POINTER_SIZED = { isize: "i32", usize: "u32" };

const decoratorName = (d) => (d.name.kind === NodeKind.Identifier ? d.name.text : "");
const hasDecorator = (node, ...names) => (node.decorators ?? []).some((d) => names.includes(decoratorName(d)));

/** The text of a node as written in its source, whitespace removed. */
const textOf = (node) => node.range.source.text.slice(node.range.start, node.range.end).replace(/\s+/g, "");

/** Every class with a @json (or @serializable) decorator, by name, in namespaces too. */
export function jsonClasses(sources) {
  const classes = new Map();
  const visit = (statements) => {
    for (const s of statements) {
      if (
        s.kind === NodeKind.ClassDeclaration &&
        hasDecorator(s, "json", "serializable") &&
        !classes.has(s.name.text)
      ) {
        classes.set(s.name.text, s);
      } else if (s.kind === NodeKind.NamespaceDeclaration) {
        visit(s.members);
      }
    }
  };
  for (const source of sources) visit(source.statements);
  return classes;
}

/** Splits `A|B` at top level (outside <...>). */
function topLevelUnion(text) {
  const parts = [];
  let depth = 0,
    start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "<") depth++;
    else if (text[i] === ">") depth--;
    else if (text[i] === "|" && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** The schema of a type written as `text` (see assembly/config-schema.ts for the notation). */
export function typeSchema(text, classes, seen = new Set()) {
  const union = topLevelUnion(text);
  const nullable = union.includes("null");
  const rest = union.filter((p) => p !== "null");
  if (rest.length !== 1) return "a";
  const inner = baseSchema(rest[0], classes, seen);
  return nullable ? `?${inner}` : inner;
}

function baseSchema(text, classes, seen) {
  if (text.endsWith("[]")) return `[${typeSchema(text.slice(0, -2), classes, seen)}]`;
  const generic = /^(Array|StaticArray|Set|Map|JSON\.Box)<(.*)>$/.exec(text);
  if (generic) {
    const [, container, args] = generic;
    if (container === "JSON.Box") return typeSchema(args, classes, seen);
    if (container === "Map") {
      const comma = args.indexOf(",");
      return args.slice(0, comma) === "string" ? `m${typeSchema(args.slice(comma + 1), classes, seen)}` : "a";
    }
    return `[${typeSchema(args, classes, seen)}]`;
  }
  if (text === "string" || text === "String") return "s";
  if (text === "bool" || text === "boolean") return "b";
  if (text === "f32" || text === "f64" || text === "number") return "f";
  if (INTEGERS.has(text)) return POINTER_SIZED[text] ?? text;
  const declaration = classes.get(text);
  if (declaration && !seen.has(text)) return classSchema(declaration, classes, new Set(seen).add(text));
  return "a"; // JSON.Raw, JSON.Value, enums, a recursive class: not checked
}

/** The key a field has in JSON: its name, or the text of its @alias("...") */
function fieldKey(field) {
  const alias = (field.decorators ?? []).find((d) => decoratorName(d) === "alias");
  const argument = alias?.args?.[0];
  return argument && argument.kind === NodeKind.Literal && typeof argument.value === "string"
    ? argument.value
    : field.name.text;
}

/** `{` fields `}`: each field `[!]<key length>:<key><type>`, `!` when the key is required. */
export function classSchema(declaration, classes, seen = new Set([declaration.name.text])) {
  const fields = [];
  for (const member of declaration.members) {
    if (member.kind !== NodeKind.FieldDeclaration || member.flags & CommonFlags.Static || hasDecorator(member, "omit"))
      continue;
    const key = fieldKey(member);
    const required = (member.flags & CommonFlags.DefinitelyAssigned) !== 0 && !hasDecorator(member, "optional");
    const type = member.type ? typeSchema(textOf(member.type), classes, seen) : "a";
    fields.push(`${required ? "!" : ""}${key.length}:${key}${type}`);
  }
  const parent = declaration.extendsType ? classes.get(textOf(declaration.extendsType)) : undefined;
  const inherited = parent ? classSchema(parent, classes, seen).slice(1, -1) : "";
  return `{${[inherited, ...fields].filter((f) => f !== "").join(",")}}`;
}

/** Adds `__PROXY_SCHEMA(): string` to a class. */
function addSchemaMethod(declaration, schema) {
  const code = `${SCHEMA_METHOD}(): string { return ${JSON.stringify(schema)}; }`;
  const tokenizer = new Tokenizer(new Source(SourceKind.User, declaration.range.source.normalizedPath, code));
  const method = new Parser().parseClassMember(tokenizer, declaration);
  if (method === null) throw new Error(`typed-config: could not add ${SCHEMA_METHOD} to ${declaration.name.text}`);
  declaration.members.push(method);
}

export default class TypedConfigTransform extends JsonTransform {
  afterParse(parser) {
    const entries = parser.sources.filter((s) => s.sourceKind === SourceKind.UserEntry);
    super.afterParse(parser);
    for (const source of entries) source.sourceKind = SourceKind.UserEntry;
    const classes = jsonClasses(parser.sources);
    for (const declaration of classes.values()) {
      if (!declaration.members.some((m) => m.name?.text === SCHEMA_METHOD))
        addSchemaMethod(declaration, classSchema(declaration, classes));
    }
  }

  afterCompile(module) {
    const superResult = super.afterCompile?.(module);
    let callbacks = 0;
    for (let i = 0; i < module.getNumExports(); i++) {
      const name = this.binaryen.getExportInfo(module.getExportByIndex(i)).name;
      if (name.startsWith("proxy_on_")) callbacks++;
    }
    if (callbacks === 0) {
      throw new Error(
        "typed-config: the module exports no proxy_on_* callback. The entry file needs " +
          '`export * from "proxy-wasm-as/assembly/proxy";`, and must be passed to asc as an entry.',
      );
    }
    return superResult;
  }
}
