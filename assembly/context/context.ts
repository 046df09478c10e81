// What every context (plugin or stream) can receive: the answers to calls it made.
// The dispatcher routes each answer to the context that made the call.

export class Context {
  constructor(public readonly id: u32) {}

  /**
   * The answer to `dispatchHttpCall`. `numHeaders == 0` means the call failed or timed out.
   * Read it with `httpCallResponseHeaders`, `httpCallResponseBody`, `httpCallResponseTrailers`.
   */
  onHttpCallResponse(token: u32, numHeaders: u32, bodySize: usize, numTrailers: u32): void {}

  /** Initial metadata of a gRPC call or stream (`grpcInitialMetadata`). */
  onGrpcReceiveInitialMetadata(token: u32, numHeaders: u32): void {}

  /** A message of a gRPC call or stream (`grpcMessage`). */
  onGrpcReceive(token: u32, messageSize: usize): void {}

  /** Trailing metadata of a gRPC call or stream (`grpcTrailingMetadata`). */
  onGrpcReceiveTrailingMetadata(token: u32, numTrailers: u32): void {}

  /** The gRPC call or stream ended with `statusCode` (0 is OK; message via `getCallStatus`). */
  onGrpcClose(token: u32, statusCode: u32): void {}
}
