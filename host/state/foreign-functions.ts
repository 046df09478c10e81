// Envoy's foreign functions (source/extensions/common/wasm/foreign.cc), emulated with Envoy's
// argument encodings and result statuses:
//   compress / uncompress     zlib format (zlib's compress()/uncompress()); bad input → SERIALIZATION_FAILURE
//   verify_signature          VerifySignatureArguments → VerifySignatureResult (protobuf)
//   sign                      SignArguments → SignResult (protobuf; newer Envoy)
//   set_envoy_filter_state    SetEnvoyFilterStateArguments; the key must name an object factory
//                             Envoy has (ENVOY_FILTER_STATE_KEYS), else NOT_FOUND; read back as
//                             the property ["filter_state", key]
//   clear_route_cache         no arguments, OK (the emulator has no route cache; it counts calls)
//   declare_property          DeclarePropertyArguments; a name declared twice → BAD_ARGUMENT; a
//                             read-only property takes one value (host/state/declared-properties.ts)
//   expr_create / expr_evaluate / expr_delete   CEL (the subset in host/wasm/cel.ts), u32 tokens
import { createPrivateKey, createPublicKey, type KeyObject, sign as signData, verify } from "node:crypto";
import { deflateSync, inflateSync } from "node:zlib";
import { Status } from "../wasm/abi.js";
import { type AttributeKind, decodeAttribute, encodeAttribute } from "../wasm/attribute-value.js";
import { ATTRIBUTE_KINDS } from "./attributes.js";
import type { BytesLike } from "../wasm/bytes.js";
import {
  type AttributeLookup,
  type CelValue,
  CelError,
  compileCel,
  type CompiledCel,
  evaluateCel,
} from "../wasm/cel.js";
import { declareProperty as recordDeclaration } from "./declared-properties.js";
import { decodePairs, encodePairs } from "../wasm/pairs.js";
import type { PropertyStore } from "./properties.js";
import { lastField, MessageWriter, parseMessage } from "../wasm/protobuf.js";

/** A foreign function's answer other than OK with a result. */
export class ForeignStatus {
  constructor(readonly status: number) {}
}

/** What a foreign function may see of the context that called it. */
export interface ForeignCallContext {
  readonly id: number;
  readonly plugin: { readonly id: number };
  readonly properties: PropertyStore;
  lookupProperty(key: string): Uint8Array | undefined;
}

export type ForeignCallInfo = { vmId: string; contextId: number; context?: ForeignCallContext };
export type EnvoyForeignFunction = (args: Uint8Array, info: ForeignCallInfo) => Uint8Array | ForeignStatus;
/** A JS function the module can call with proxy_call_foreign_function. */
// biome-ignore lint/suspicious/noConfusingVoidType: public type; `void` lets a function declared `(...): void` be registered as "no result"
export type ForeignFunction = (args: Uint8Array, info: ForeignCallInfo) => BytesLike | ForeignStatus | void | null;

/**
 * Filter-state keys Envoy registers an object factory for (StreamInfo::FilterState::ObjectFactory),
 * the only keys set_envoy_filter_state accepts. Add to this set for keys of custom extensions.
 */
export const ENVOY_FILTER_STATE_KEYS = new Set<string>([
  "envoy.string",
  "envoy.tcp_proxy.cluster",
  "envoy.network.upstream_server_name",
  "envoy.network.application_protocols",
  "envoy.network.upstream_subject_alt_names",
  "envoy.network.transport_socket.original_dst_address",
  "envoy.filters.listener.original_dst.local_ip",
  "envoy.filters.listener.original_dst.remote_ip",
  "envoy.network.ip",
  "envoy.hash_key",
  "envoy.ratelimit.hits_addend",
]);

/** How often each context called clear_route_cache (a test's view of an effect the emulator has no route for). */
export const routeCacheClears = new WeakMap<object, number>();

const fail = (status: number) => new ForeignStatus(status);
const text = (b: Uint8Array | undefined) => (b === undefined ? "" : new TextDecoder().decode(b));

function compress(args: Uint8Array): Uint8Array | ForeignStatus {
  return new Uint8Array(deflateSync(args));
}

function uncompress(args: Uint8Array): Uint8Array | ForeignStatus {
  try {
    return new Uint8Array(inflateSync(args));
  } catch {
    return fail(Status.SERIALIZATION_FAILURE);
  }
}

function verifySignature(args: Uint8Array): Uint8Array | ForeignStatus {
  const fields = parseMessage(args);
  if (fields === null) return fail(Status.BAD_ARGUMENT);
  const hash = text(lastField(fields, 1)?.bytes);
  const der = lastField(fields, 2)?.bytes ?? new Uint8Array(0);
  const signature = lastField(fields, 3)?.bytes ?? new Uint8Array(0);
  const data = lastField(fields, 4)?.bytes ?? new Uint8Array(0);
  const pem = text(lastField(fields, 5)?.bytes);
  // Exactly one of the DER and PEM keys, and it must import, else BAD_ARGUMENT.
  if (der.length > 0 === pem.length > 0) return fail(Status.BAD_ARGUMENT);
  let key: KeyObject;
  try {
    key =
      der.length > 0 ? createPublicKey({ key: Buffer.from(der), format: "der", type: "spki" }) : createPublicKey(pem);
  } catch {
    return fail(Status.BAD_ARGUMENT);
  }
  const result = new MessageWriter();
  if (!HASHES.includes(hash)) {
    return result.bytes(2, `${hash} is not supported.`).finish();
  }
  let ok = false;
  try {
    ok = verify(hash, data, key, signature);
  } catch {
    ok = false;
  }
  return ok ? result.uint(1, true).finish() : result.bytes(2, "Failed to verify digest. Error code: 0").finish();
}

const HASHES = ["sha1", "sha224", "sha256", "sha384", "sha512"];

function sign(args: Uint8Array): Uint8Array | ForeignStatus {
  const fields = parseMessage(args);
  if (fields === null) return fail(Status.BAD_ARGUMENT);
  const hash = text(lastField(fields, 1)?.bytes);
  const der = lastField(fields, 2)?.bytes ?? new Uint8Array(0);
  const data = lastField(fields, 3)?.bytes ?? new Uint8Array(0);
  const pem = text(lastField(fields, 4)?.bytes);
  if (der.length > 0 === pem.length > 0) return fail(Status.BAD_ARGUMENT);
  let key: KeyObject;
  try {
    key =
      der.length > 0
        ? createPrivateKey({ key: Buffer.from(der), format: "der", type: "pkcs8" })
        : createPrivateKey(pem);
  } catch {
    return fail(Status.BAD_ARGUMENT);
  }
  const result = new MessageWriter();
  if (!HASHES.includes(hash)) return result.bytes(3, `${hash} is not supported.`).finish();
  try {
    return result
      .uint(1, true)
      .bytes(2, new Uint8Array(signData(hash, data, key)))
      .finish();
  } catch {
    return result.bytes(3, "Failed to sign data.").finish();
  }
}

function setEnvoyFilterState(args: Uint8Array, info: ForeignCallInfo): Uint8Array | ForeignStatus {
  const fields = parseMessage(args);
  if (fields === null) return fail(Status.BAD_ARGUMENT);
  const path = text(lastField(fields, 1)?.bytes);
  const value = lastField(fields, 2)?.bytes ?? new Uint8Array(0);
  if (!ENVOY_FILTER_STATE_KEYS.has(path)) return fail(Status.NOT_FOUND);
  const ctx = info.context;
  // A plugin (root) context has no stream info to hold filter state.
  if (!ctx || ctx.id === ctx.plugin.id) return fail(Status.NOT_FOUND);
  ctx.properties.set(["filter_state", path], value);
  return new Uint8Array(0);
}

function clearRouteCache(_args: Uint8Array, info: ForeignCallInfo): Uint8Array | ForeignStatus {
  if (info.context) routeCacheClears.set(info.context, (routeCacheClears.get(info.context) ?? 0) + 1);
  return new Uint8Array(0);
}

function declareProperty(args: Uint8Array, info: ForeignCallInfo): Uint8Array | ForeignStatus {
  const fields = parseMessage(args);
  if (fields === null) return fail(Status.BAD_ARGUMENT);
  const ctx = info.context;
  if (!ctx) return fail(Status.NOT_FOUND);
  const fresh = recordDeclaration(ctx, text(lastField(fields, 1)?.bytes), {
    readonly: (lastField(fields, 2)?.varint ?? 0n) !== 0n,
    type: Number(lastField(fields, 3)?.varint ?? 0n),
    span: Number(lastField(fields, 5)?.varint ?? 0n),
  });
  return fresh ? new Uint8Array(0) : fail(Status.BAD_ARGUMENT);
}

// ---- CEL ------------------------------------------------------------------------------------

type Expressions = { next: number; exprs: Map<number, CompiledCel> };
/** Compiled expressions per root context, as Envoy keeps them (foreign data "cel" on the root). */
const expressions = new WeakMap<object, Expressions>();

function exprStore(ctx: ForeignCallContext): Expressions {
  let store = expressions.get(ctx.plugin);
  if (!store) {
    store = { next: 0, exprs: new Map() };
    expressions.set(ctx.plugin, store);
  }
  return store;
}

function tokenOf(args: Uint8Array): number | null {
  return args.length === 4 ? new DataView(args.buffer, args.byteOffset, 4).getUint32(0, true) : null;
}

function exprCreate(args: Uint8Array, info: ForeignCallInfo): Uint8Array | ForeignStatus {
  if (!info.context) return fail(Status.NOT_FOUND);
  let ast: CompiledCel;
  try {
    ast = compileCel(text(args));
  } catch (e) {
    // A syntax error, or an expression past cel-cpp's limits.
    if (e instanceof CelError) return fail(Status.BAD_ARGUMENT);
    throw e;
  }
  const store = exprStore(info.context);
  let token = store.next++ >>> 0;
  while (store.exprs.has(token)) token = store.next++ >>> 0;
  store.exprs.set(token, ast);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, token, true);
  return out;
}

/** The kind an attribute path has in Envoy; values below maps and messages are taken as strings. */
function kindOf(path: string[]): AttributeKind {
  return ATTRIBUTE_KINDS[path.join(".")] ?? "string";
}

/** The top-level names of Envoy's expression vocabulary (and the Wasm "node"): maps of attributes. */
const ROOTS = new Set([
  "request",
  "response",
  "source",
  "destination",
  "connection",
  "upstream",
  "xds",
  "metadata",
  "filter_state",
  "upstream_filter_state",
  "node",
]);
/** Attribute paths with attributes below them (xds.node: xds.node.id, ...). */
const BRANCHES = new Set(
  Object.keys(ATTRIBUTE_KINDS).flatMap((k) => {
    const parts = k.split(".");
    return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join("."));
  }),
);

function resolver(ctx: ForeignCallContext): AttributeLookup {
  return (path) => {
    const dotted = path.join(".");
    if ((path.length === 1 && ROOTS.has(dotted)) || BRANCHES.has(dotted)) return "branch";
    const data = ctx.lookupProperty(path.join("\0"));
    if (data === undefined) return undefined;
    const kind = kindOf(path);
    if (kind === "map") return { kind: "map", value: decodePairs(data) };
    return decodeAttribute(kind, data);
  };
}

/** Envoy's serializeValue for an expression result: lists and maps as pairs; null and nested lists cannot be serialized. */
function serialize(v: CelValue): Uint8Array | ForeignStatus {
  if (v.kind === "null") return fail(Status.SERIALIZATION_FAILURE);
  if (v.kind === "celList" || v.kind === "celMap") {
    const pairs: [Uint8Array, Uint8Array][] = [];
    for (const [key, value] of v.kind === "celList" ? v.items.map((i) => [i, null] as const) : v.entries) {
      const k = serialize(key);
      if (k instanceof ForeignStatus) return k;
      const x = value === null ? new Uint8Array(0) : serialize(value);
      if (x instanceof ForeignStatus) return x;
      pairs.push([k, x]);
    }
    return encodePairs(pairs);
  }
  return encodeAttribute(v);
}

function exprEvaluate(args: Uint8Array, info: ForeignCallInfo): Uint8Array | ForeignStatus {
  if (!info.context) return fail(Status.NOT_FOUND);
  const token = tokenOf(args);
  if (token === null) return fail(Status.BAD_ARGUMENT);
  const ast = exprStore(info.context).exprs.get(token);
  if (!ast) return fail(Status.NOT_FOUND);
  try {
    return serialize(evaluateCel(ast, resolver(info.context)));
  } catch (e) {
    if (e instanceof CelError) return fail(Status.INTERNAL_FAILURE);
    throw e;
  }
}

function exprDelete(args: Uint8Array, info: ForeignCallInfo): Uint8Array | ForeignStatus {
  if (!info.context) return fail(Status.NOT_FOUND);
  const token = tokenOf(args);
  if (token === null) return fail(Status.BAD_ARGUMENT);
  exprStore(info.context).exprs.delete(token);
  return new Uint8Array(0);
}

/** Envoy's foreign functions by name; the Host registers them all (registerForeignFunction replaces one). */
export function envoyForeignFunctions(): Map<string, EnvoyForeignFunction> {
  return new Map<string, EnvoyForeignFunction>([
    ["compress", compress],
    ["uncompress", uncompress],
    ["verify_signature", verifySignature],
    ["sign", sign],
    ["set_envoy_filter_state", setEnvoyFilterState],
    ["clear_route_cache", clearRouteCache],
    ["declare_property", declareProperty],
    ["expr_create", exprCreate],
    ["expr_evaluate", exprEvaluate],
    ["expr_delete", exprDelete],
  ]);
}
