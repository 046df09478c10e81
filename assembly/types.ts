// The ABI's enumerations (values from abi/v0.2.1.json), named as the Go and Rust SDKs name them.
import { formatU32 } from "./runtime/format";

/** What a stream callback tells the host to do next. */
export enum Action {
  Continue = 0,
  Pause = 1,
}

/** A host call's outcome (proxy_status_t). */
export enum Status {
  Ok = 0,
  NotFound = 1,
  BadArgument = 2,
  SerializationFailure = 3,
  ParseFailure = 4,
  InvalidMemoryAccess = 6,
  Empty = 7,
  CasMismatch = 8,
  InternalFailure = 10,
  Unimplemented = 12,
}

export enum LogLevel {
  Trace = 0,
  Debug = 1,
  Info = 2,
  Warn = 3,
  Error = 4,
  Critical = 5,
}

export enum BufferType {
  HttpRequestBody = 0,
  HttpResponseBody = 1,
  DownstreamData = 2,
  UpstreamData = 3,
  HttpCallResponseBody = 4,
  GrpcCallMessage = 5,
  VmConfiguration = 6,
  PluginConfiguration = 7,
  ForeignFunctionArguments = 8,
}

export enum MapType {
  HttpRequestHeaders = 0,
  HttpRequestTrailers = 1,
  HttpResponseHeaders = 2,
  HttpResponseTrailers = 3,
  GrpcCallInitialMetadata = 4,
  GrpcCallTrailingMetadata = 5,
  HttpCallResponseHeaders = 6,
  HttpCallResponseTrailers = 7,
}

/** Which side closed a TCP connection. */
export enum PeerType {
  Unknown = 0,
  Local = 1,
  Remote = 2,
}

export enum StreamType {
  HttpRequest = 0,
  HttpResponse = 1,
  Downstream = 2,
  Upstream = 3,
}

export enum MetricType {
  Counter = 0,
  Gauge = 1,
  Histogram = 2,
}

/** A textual name for a status, for log lines. */
export function statusName(status: Status): string {
  switch (status) {
    case Status.Ok: return "OK";
    case Status.NotFound: return "NOT_FOUND";
    case Status.BadArgument: return "BAD_ARGUMENT";
    case Status.SerializationFailure: return "SERIALIZATION_FAILURE";
    case Status.ParseFailure: return "PARSE_FAILURE";
    case Status.InvalidMemoryAccess: return "INVALID_MEMORY_ACCESS";
    case Status.Empty: return "EMPTY";
    case Status.CasMismatch: return "CAS_MISMATCH";
    case Status.InternalFailure: return "INTERNAL_FAILURE";
    case Status.Unimplemented: return "UNIMPLEMENTED";
  }
  return "STATUS_" + formatU32(<u32>status);
}
