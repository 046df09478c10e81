// Envoy's declare_property: declares how a property the filter sets with setProperty is kept
// (type, read-only after the first set, life span), so that other filters and access logs
// read it typed. Call it from the plugin context (onPluginStart): Envoy keeps the declarations
// on the root context. The argument is a DeclarePropertyArguments message.
import { callForeignFunction } from "../foreign-function";
import { Status } from "../types";
import { FilterStateLifeSpan } from "./filter-state";
import { ProtoWriter } from "./protobuf";

/** How Envoy holds a declared property's value (WasmType of declare_property.proto). */
export enum DeclaredPropertyType {
  Bytes = 0,
  String = 1,
  FlatBuffers = 2,
  Protobuf = 3,
}

/**
 * Declares property `name`. OK; BAD_ARGUMENT when the name was declared already; the host's
 * status elsewhere (NOT_FOUND where there is no such function). `schema` is the FlatBuffers
 * schema or protobuf type for those types.
 */
export function declareProperty(name: string, type: DeclaredPropertyType = DeclaredPropertyType.Bytes,
  readonly: bool = false, span: FilterStateLifeSpan = FilterStateLifeSpan.FilterChain,
  schema: ArrayBuffer | null = null): Status {
  const args = new ProtoWriter().string(1, name).uint(2, readonly ? 1 : 0).uint(3, <u64>type)
    .bytes(4, schema).uint(5, <u64>span).finish();
  return callForeignFunction("declare_property", args).status;
}
