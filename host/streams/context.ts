// The base of every context (plugin/root, HTTP stream, TCP stream): what it answers to the
// host functions (abi-context.ts) unless it is a stream that has more. Defaults are Envoy's
// answers for a context without that kind of stream (Context::getBuffer, continueStream in
// source/extensions/common/wasm/context.cc): stream operations are accepted and do nothing,
// maps are not there, stream buffers read as empty and cannot be written.
import { Status, StreamType } from "../wasm/abi.js";
import {
  type AbiContext,
  type AbiPluginContext,
  type BufferRef,
  type LocalResponse,
  NO_DATA,
} from "../vm/abi-context.js";
import { mayWriteProperty } from "../state/declared-properties.js";
import type { Pair } from "../wasm/pairs.js";
import { type Found, foundValue, PropertyStore } from "../state/properties.js";
import type { VmInstance } from "../vm/vm-instance.js";

/** A plugin (root) context as the streams below plugin.ts see it: a context that is also a plugin. */
export type RootContext = Context & AbiPluginContext;

export abstract class Context implements AbiContext {
  /** What a stream buffer (body, TCP data, gRPC message) reads as when there is none now. */
  static readonly NO_DATA = NO_DATA;

  /** Properties set on this context by the test (setProperty) or by the filter (proxy_set_property). */
  readonly properties = new PropertyStore();

  constructor(
    readonly vm: VmInstance,
    readonly id: number,
  ) {}

  /** The plugin (root) context this context belongs to. */
  abstract get plugin(): RootContext;

  /** The HTTP header/trailer map of this stream, if the filter may read (write=false) or change it now. */
  headerMap(_type: number, _write: boolean): Pair[] | null {
    return null;
  }

  /** A stream buffer (body or TCP data) if the filter may use it now; empty when there is none. */
  buffer(type: number): BufferRef | null {
    return type <= 3 ? NO_DATA : null;
  }

  /** True while proxy_on_log runs on this context (a missing map is NOT_FOUND then). */
  get inLogPhase(): boolean {
    return false;
  }

  /** Envoy cannot resume an upstream (write) filter: continueStream answers UNIMPLEMENTED. */
  continueStream(type: number): number {
    return type === StreamType.UPSTREAM ? Status.UNIMPLEMENTED : Status.OK;
  }

  closeStream(_type: number): number {
    return Status.OK;
  }

  sendLocalResponse(_response: LocalResponse): void {}

  /** Only a plugin context whose proxy_on_done postponed its deletion accepts proxy_done. */
  done(): number {
    return Status.NOT_FOUND;
  }

  /** Properties the host derives from the stream (request.path, response.code, ...). */
  protected derivedProperty(_key: string): Found {
    return undefined;
  }

  /** A property as proxy_get_property answers it; undefined is NOT_FOUND. */
  lookupProperty(key: string): Uint8Array | undefined {
    return foundValue(this.findProperty(key));
  }

  /** This context's own value, else the derived one, else the parent's; REMOVED ends the search. */
  findProperty(key: string): Found {
    return this.properties.find(key) ?? this.derivedProperty(key) ?? this.parentProperty(key);
  }

  /**
   * What the attributes derived here see as set: this context's own values over its parent's,
   * so a stream's source.address moves its source.port as the plugin's and Host's do.
   */
  protected inheritedProperty(key: string): Found {
    return this.properties.find(key) ?? this.parentProperty(key);
  }

  /** Streams fall back to their plugin, the plugin to the Host's properties. */
  protected parentProperty(key: string): Found {
    return this.plugin.findProperty(key);
  }

  /** proxy_set_property: Envoy keeps filter-set values in the stream's filter state. */
  setPropertyFromFilter(key: string, value: Uint8Array): number {
    // A property declared read-only (declare_property on the root context) takes one value.
    if (!mayWriteProperty(this.plugin, key, this.properties.lookup(key) !== undefined)) return Status.BAD_ARGUMENT;
    this.properties.set(key.split("\0"), value);
    return Status.OK;
  }
}
