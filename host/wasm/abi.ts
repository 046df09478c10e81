// Numeric values of ABI v0.2.1 (mirrors abi/v0.2.1.json; test/host/abi-table.test.ts keeps them in sync).

export const Status = {
  OK: 0,
  NOT_FOUND: 1,
  BAD_ARGUMENT: 2,
  SERIALIZATION_FAILURE: 3,
  PARSE_FAILURE: 4,
  INVALID_MEMORY_ACCESS: 6,
  EMPTY: 7,
  CAS_MISMATCH: 8,
  INTERNAL_FAILURE: 10,
  /** Not in the spec's table but used by Envoy for a failed HTTP call (proxy_get_status). */
  BROKEN_CONNECTION: 11,
  UNIMPLEMENTED: 12,
} as const;

export const Action = { Continue: 0, Pause: 1 } as const;
export type Action = (typeof Action)[keyof typeof Action];

export const BufferType = {
  HTTP_REQUEST_BODY: 0,
  HTTP_RESPONSE_BODY: 1,
  DOWNSTREAM_DATA: 2,
  UPSTREAM_DATA: 3,
  HTTP_CALL_RESPONSE_BODY: 4,
  GRPC_CALL_MESSAGE: 5,
  VM_CONFIGURATION: 6,
  PLUGIN_CONFIGURATION: 7,
  FOREIGN_FUNCTION_ARGUMENTS: 8,
} as const;
export const BUFFER_TYPE_MAX = 8;

export const MapType = {
  HTTP_REQUEST_HEADERS: 0,
  HTTP_REQUEST_TRAILERS: 1,
  HTTP_RESPONSE_HEADERS: 2,
  HTTP_RESPONSE_TRAILERS: 3,
  GRPC_CALL_INITIAL_METADATA: 4,
  GRPC_CALL_TRAILING_METADATA: 5,
  HTTP_CALL_RESPONSE_HEADERS: 6,
  HTTP_CALL_RESPONSE_TRAILERS: 7,
} as const;
export const MAP_TYPE_MAX = 7;

export const StreamType = { HTTP_REQUEST: 0, HTTP_RESPONSE: 1, DOWNSTREAM: 2, UPSTREAM: 3 } as const;
export const STREAM_TYPE_MAX = 3;

export const PeerType = { UNKNOWN: 0, LOCAL: 1, REMOTE: 2 } as const;
export type PeerTypeName = "unknown" | "local" | "remote";

export const MetricType = { COUNTER: 0, GAUGE: 1, HISTOGRAM: 2 } as const;
export type MetricTypeName = "counter" | "gauge" | "histogram";
export const METRIC_TYPE_NAMES: MetricTypeName[] = ["counter", "gauge", "histogram"];

export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "critical"] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];
export const LOG_LEVEL_MAX = 5;

export const WasiErrno = { SUCCESS: 0, BADF: 8, FAULT: 21, INVAL: 28, NOTSUP: 58 } as const;
