// What every context (plugin/root, HTTP stream, TCP stream) answers to the host functions.
// Defaults are Envoy's answers for a context without that kind of stream: stream operations
// are accepted and do nothing, maps and buffers are not there.
import { Status } from "./abi.js";
import type { Pair } from "./pairs.js";
import { PropertyStore } from "./properties.js";
import type { Plugin } from "./plugin.js";
import type { Vm } from "./vm.js";

/** A buffer the filter may read (and, when mutable, change) right now. */
export interface BufferRef {
  data: Uint8Array;
  readonly mutable: boolean;
}

export interface LocalResponse {
  status: number;
  details: string;
  body: Uint8Array;
  bodyText: string;
  headers: Pair[];
  /** null when the filter passed -1 (no gRPC status). */
  grpcStatus: number | null;
}

export abstract class Context {
  /** Properties set on this context by the test (setProperty) or by the filter (proxy_set_property). */
  readonly properties = new PropertyStore();

  constructor(
    readonly vm: Vm,
    readonly id: number,
  ) {}

  /** The plugin (root) context this context belongs to. */
  abstract get plugin(): Plugin;

  /** The HTTP header/trailer map of this stream, if the filter may read (write=false) or change it now. */
  headerMap(_type: number, _write: boolean): Pair[] | null {
    return null;
  }

  /** A stream buffer (body or TCP data) if the filter may use it now. */
  buffer(_type: number): BufferRef | null {
    return null;
  }

  continueStream(_type: number): number {
    return Status.OK;
  }

  closeStream(_type: number): number {
    return Status.OK;
  }

  sendLocalResponse(_response: LocalResponse): void {}

  /** Properties the host derives from the stream (request.path, response.code, ...). */
  protected derivedProperty(_key: string): Uint8Array | undefined {
    return undefined;
  }

  lookupProperty(key: string): Uint8Array | undefined {
    return this.properties.lookup(key) ?? this.derivedProperty(key) ?? this.parentProperty(key);
  }

  /** Streams fall back to their plugin, the plugin to the Host's properties. */
  protected parentProperty(key: string): Uint8Array | undefined {
    return this.plugin.lookupProperty(key);
  }

  /** proxy_set_property: Envoy keeps filter-set values in the stream's filter state. */
  setPropertyFromFilter(key: string, value: Uint8Array): number {
    this.properties.set(key.split("\0"), value);
    return Status.OK;
  }
}
