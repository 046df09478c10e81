// Stream control: resuming or closing paused HTTP and TCP streams, and local responses.
import { proxy_close_stream, proxy_continue_stream, proxy_send_local_response } from "./abi/imports";
import { checkHostStatus } from "./runtime/host-error";
import { bufferPtr, bufferSize, scratchLength, scratchPut, scratchReserveBytes } from "./runtime/memory";
import { HeaderPair, pairsMaxBytes, scratchPutPairs } from "./runtime/pairs";
import { Status, StreamType } from "./types";

/** Resumes a request paused by returning Action.Pause (takes effect when the callback returns). */
export function continueRequest(): Status { return continueStream(StreamType.HttpRequest); }
/** Resumes a paused response. */
export function continueResponse(): Status { return continueStream(StreamType.HttpResponse); }
/** Resumes paused downstream data (TCP). */
export function continueDownstream(): Status { return continueStream(StreamType.Downstream); }
/** Resumes paused upstream data (TCP). */
export function continueUpstream(): Status { return continueStream(StreamType.Upstream); }

/** Resets the HTTP request. */
export function closeRequest(): Status { return closeStream(StreamType.HttpRequest); }
/** Resets the HTTP response. */
export function closeResponse(): Status { return closeStream(StreamType.HttpResponse); }
/** Closes the downstream (client) connection. */
export function closeDownstream(): Status { return closeStream(StreamType.Downstream); }
/** Closes the upstream (server) connection. */
export function closeUpstream(): Status { return closeStream(StreamType.Upstream); }

export function continueStream(stream: StreamType): Status {
  return <Status>checkHostStatus("continue stream", proxy_continue_stream(stream));
}

export function closeStream(stream: StreamType): Status {
  return <Status>checkHostStatus("close stream", proxy_close_stream(stream));
}

/** gRPC status meaning "none": the response is plain HTTP. */
export const NO_GRPC_STATUS: i32 = -1;

/**
 * Answers the request from the filter instead of the upstream. The stream stops after this,
 * whatever the callback returns (Envoy's behaviour), so return Action.Pause for clarity.
 * `details` appears in Envoy's access log as the response code details.
 */
export function sendLocalResponse(
  statusCode: u32,
  details: string,
  body: ArrayBuffer | null = null,
  headers: HeaderPair[] = [],
  grpcStatus: i32 = NO_GRPC_STATUS,
): Status {
  // Details and headers go through the scratch area: nothing to allocate or collect.
  scratchReserveBytes(<usize>details.length * 3 + pairsMaxBytes(headers));
  const detailsPtr = scratchPut(details);
  const detailsLength = scratchLength;
  const headersPtr = scratchPutPairs(headers);
  return <Status>checkHostStatus("send local response", proxy_send_local_response(
    statusCode, detailsPtr, detailsLength, bufferPtr(body), bufferSize(body), headersPtr, scratchLength, grpcStatus,
  ));
}

/** `sendLocalResponse` with a text body. */
export function sendLocalResponseText(
  statusCode: u32,
  details: string,
  body: string,
  headers: HeaderPair[] = [],
  grpcStatus: i32 = NO_GRPC_STATUS,
): Status {
  return sendLocalResponse(statusCode, details, String.UTF8.encode(body), headers, grpcStatus);
}
