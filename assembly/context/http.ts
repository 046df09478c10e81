// One HTTP request/response pair. Override the callbacks the filter needs; the defaults let
// the stream through untouched.
import { Action } from "../types";
import { Context } from "./context";

export class HttpContext extends Context {
  /** Request headers arrived (`requestHeaders`). `endOfStream`: the request has no body. */
  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action { return Action.Continue; }

  /**
   * A request body chunk arrived (`requestBody`). While the filter returns Pause, chunks are
   * buffered and `bodySize` is the total buffered so far; Continue lets it all go upstream.
   */
  onRequestBody(bodySize: usize, endOfStream: bool): Action { return Action.Continue; }

  /** Request trailers arrived (`requestTrailers`). */
  onRequestTrailers(numTrailers: u32): Action { return Action.Continue; }

  /** Response headers arrived (`responseHeaders`). */
  onResponseHeaders(numHeaders: u32, endOfStream: bool): Action { return Action.Continue; }

  /** A response body chunk arrived (`responseBody`); buffering as for requests. */
  onResponseBody(bodySize: usize, endOfStream: bool): Action { return Action.Continue; }

  /** Response trailers arrived (`responseTrailers`). */
  onResponseTrailers(numTrailers: u32): Action { return Action.Continue; }

  /** The proxy is done with the stream. */
  onStreamDone(): void {}

  /** Last call before the context is deleted: headers can still be read, for access logs. */
  onLog(): void {}
}
