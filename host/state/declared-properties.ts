// Properties a filter declared with Envoy's declare_property foreign function. Envoy keeps the
// declarations on the context that made them (in practice the plugin's root context) and
// consults the root context's when the filter sets a property: a read-only one takes its first
// value and refuses later ones (BAD_ARGUMENT). The type (bytes, string, ...) changes only how
// CEL sees the value, not the bytes a filter reads back, and is recorded as given.

export interface PropertyDeclaration {
  readonly: boolean;
  /** Envoy's WasmType: 0 bytes, 1 string, 2 FlatBuffers, 3 protobuf. */
  type: number;
  /** Envoy's LifeSpan: 0 filter chain, 1 downstream request, 2 downstream connection. */
  span: number;
}

const declared = new WeakMap<object, Map<string, PropertyDeclaration>>();

/** Records a declaration; false when the name was declared already (Envoy: BAD_ARGUMENT). */
export function declareProperty(context: object, name: string, declaration: PropertyDeclaration): boolean {
  let table = declared.get(context);
  if (!table) {
    table = new Map();
    declared.set(context, table);
  }
  if (table.has(name)) return false;
  table.set(name, declaration);
  return true;
}

/** The properties a context declared with declare_property. */
export function declaredProperties(context: object): ReadonlyMap<string, PropertyDeclaration> {
  return declared.get(context) ?? new Map();
}

/**
 * Whether proxy_set_property may write `key` (path segments joined by NUL) on a stream of the
 * plugin whose root context is `root`: not when it is declared read-only and already has a value.
 */
export function mayWriteProperty(root: object, key: string, hasValue: boolean): boolean {
  return !(hasValue && declared.get(root)?.get(key)?.readonly);
}
