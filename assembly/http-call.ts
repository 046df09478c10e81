// HTTP calls to an upstream cluster. The answer arrives in `onHttpCallResponse` of the context
// that made the call (plugin or stream), with its headers in `httpCallResponseHeaders`, its body
// in `httpCallResponseBody` and its trailers in `httpCallResponseTrailers`.
import { proxy_get_status, proxy_http_call } from "./abi/imports";
import { CallResult } from "./call-result";
import { currentContext } from "./runtime/current-context";
import { checkHostStatus } from "./runtime/host-error";
import {
  bufferPtr, bufferSize, clearResult, RESULT_PTR, RESULT_SIZE, RESULT_U64, scratchLength, scratchPut, scratchReserveBytes, takeResultString,
} from "./runtime/memory";
import { HeaderPair, pairsMaxBytes, scratchPutPairs } from "./runtime/pairs";
import { rememberCall } from "./runtime/pending-calls";
import { Status } from "./types";

/**
 * Sends an HTTP request to `upstream` (an Envoy cluster name). `headers` must include
 * `:method`, `:path` and `:authority`. A timeout or failure arrives as a response with zero
 * headers.
 */
export function dispatchHttpCall(
  upstream: string,
  headers: HeaderPair[],
  body: ArrayBuffer | null,
  trailers: HeaderPair[],
  timeoutMilliseconds: u32,
): CallResult {
  // All three arguments go through the scratch area: nothing to allocate or collect.
  scratchReserveBytes(<usize>upstream.length * 3 + pairsMaxBytes(headers) + pairsMaxBytes(trailers));
  const upstreamPtr = scratchPut(upstream);
  const upstreamLength = scratchLength;
  const headersPtr = scratchPutPairs(headers);
  const headersLength = scratchLength;
  const trailersPtr = scratchPutPairs(trailers);
  store<u32>(RESULT_PTR, 0);
  const status = <Status>checkHostStatus("dispatch HTTP call", proxy_http_call(
    upstreamPtr, upstreamLength, headersPtr, headersLength,
    bufferPtr(body), bufferSize(body),
    trailersPtr, scratchLength,
    timeoutMilliseconds, RESULT_PTR,
  ));
  const token = load<u32>(RESULT_PTR);
  const caller = currentContext();
  if (status == Status.Ok && caller !== null) rememberCall(token, caller);
  return new CallResult(status, token);
}

/** The status code and message of the finished call, read in a call-response or gRPC-close callback. */
export class CallStatus {
  constructor(public readonly status: Status, public readonly code: u32, public readonly message: string) {}
}

/** Reads the status of the HTTP call or gRPC call/stream whose answer is being delivered. */
export function getCallStatus(): CallStatus {
  clearResult();
  store<u32>(RESULT_U64, 0);
  // The code goes to its own cell: RESULT_PTR/RESULT_SIZE carry the message.
  const status = <Status>checkHostStatus("get status", proxy_get_status(RESULT_U64, RESULT_PTR, RESULT_SIZE));
  if (status != Status.Ok) return new CallStatus(status, 0, "");
  return new CallStatus(status, load<u32>(RESULT_U64), takeResultString());
}
