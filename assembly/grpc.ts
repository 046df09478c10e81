// gRPC calls (one request, one response) and streams. Answers arrive in the calling context's
// `onGrpcReceiveInitialMetadata`, `onGrpcReceive` (message in `grpcMessage`),
// `onGrpcReceiveTrailingMetadata` and `onGrpcClose` (status via `getCallStatus`).
// As in Envoy, a unary call that succeeds ends with `onGrpcReceive` (no close follows); one
// that fails ends with `onGrpcClose`. A stream always ends with `onGrpcClose`.
import { proxy_grpc_call, proxy_grpc_cancel, proxy_grpc_close, proxy_grpc_send, proxy_grpc_stream } from "./abi/imports";
import { CallResult } from "./call-result";
import { currentContext } from "./runtime/current-context";
import { checkHostStatus } from "./runtime/host-error";
import { bufferPtr, bufferSize, RESULT_PTR } from "./runtime/memory";
import { encodePairs, HeaderPair } from "./runtime/pairs";
import { IdTable } from "./runtime/id-table";
import { forgetCall, rememberCall, setUnaryMarkHook } from "./runtime/pending-calls";
import { Status } from "./types";

// Tokens of unary calls in flight: their message ends them (pending-calls asks through the hook).
// The value is only a mark; the caller is kept in pending-calls.
class UnaryMark {}
@lazy const unaryCalls = new IdTable();
@lazy const UNARY = new UnaryMark();

function markUnary(token: u32): void {
  unaryCalls.set(token, UNARY);
  setUnaryMarkHook((token: u32): bool => unaryCalls.delete(token));
}

/** Where a call or stream goes, encoded once for the host. */
class GrpcTarget {
  upstream: ArrayBuffer;
  service: ArrayBuffer;
  method: ArrayBuffer;
  metadata: ArrayBuffer;

  constructor(upstream: string, service: string, method: string, metadata: HeaderPair[]) {
    this.upstream = String.UTF8.encode(upstream);
    this.service = String.UTF8.encode(service);
    this.method = String.UTF8.encode(method);
    this.metadata = encodePairs(metadata);
  }
}

/** The token the host wrote, remembered for the calling context when the host said OK. */
function started(status: u32, unary: bool): CallResult {
  const token = load<u32>(RESULT_PTR);
  const caller = currentContext();
  if (status == Status.Ok && caller !== null) {
    rememberCall(token, caller);
    if (unary) markUnary(token);
  }
  return new CallResult(<Status>status, token);
}

/** Calls `service`/`method` on `upstream` with one serialized protobuf `message`. */
export function dispatchGrpcCall(
  upstream: string,
  service: string,
  method: string,
  initialMetadata: HeaderPair[],
  message: ArrayBuffer | null,
  timeoutMilliseconds: u32,
): CallResult {
  const target = new GrpcTarget(upstream, service, method, initialMetadata);
  store<u32>(RESULT_PTR, 0);
  return started(checkHostStatus("dispatch gRPC call", proxy_grpc_call(
    changetype<usize>(target.upstream), <usize>target.upstream.byteLength,
    changetype<usize>(target.service), <usize>target.service.byteLength,
    changetype<usize>(target.method), <usize>target.method.byteLength,
    changetype<usize>(target.metadata), <usize>target.metadata.byteLength,
    bufferPtr(message), bufferSize(message),
    timeoutMilliseconds, RESULT_PTR,
  )), true);
}

/** Opens a bidirectional gRPC stream; send on it with `grpcSend`. */
export function openGrpcStream(
  upstream: string,
  service: string,
  method: string,
  initialMetadata: HeaderPair[],
): CallResult {
  const target = new GrpcTarget(upstream, service, method, initialMetadata);
  store<u32>(RESULT_PTR, 0);
  return started(checkHostStatus("open gRPC stream", proxy_grpc_stream(
    changetype<usize>(target.upstream), <usize>target.upstream.byteLength,
    changetype<usize>(target.service), <usize>target.service.byteLength,
    changetype<usize>(target.method), <usize>target.method.byteLength,
    changetype<usize>(target.metadata), <usize>target.metadata.byteLength,
    RESULT_PTR,
  )), false);
}

/** Sends a message on a gRPC stream; `endStream` half-closes it. */
export function grpcSend(token: u32, message: ArrayBuffer | null, endStream: bool = false): Status {
  return <Status>checkHostStatus("gRPC send", proxy_grpc_send(token, bufferPtr(message), bufferSize(message), endStream ? 1 : 0));
}

/** Cancels a call or stream; no further callbacks arrive for it. */
export function grpcCancel(token: u32): Status {
  forgetCall(token);
  return <Status>checkHostStatus("gRPC cancel", proxy_grpc_cancel(token));
}

/** Closes a call or stream gracefully; `onGrpcClose` still arrives. */
export function grpcClose(token: u32): Status {
  return <Status>checkHostStatus("gRPC close", proxy_grpc_close(token));
}
