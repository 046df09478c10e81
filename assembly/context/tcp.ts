// One TCP connection (downstream client and its upstream). The defaults let data through.
import { Action, PeerType } from "../types";
import { Context } from "./context";

export class TcpContext extends Context {
  /** A client connected. */
  onNewConnection(): Action { return Action.Continue; }

  /** Bytes from the client (`downstreamData`); while paused, `dataSize` is cumulative. */
  onDownstreamData(dataSize: usize, endOfStream: bool): Action { return Action.Continue; }

  /** The client side closed. */
  onDownstreamClose(peer: PeerType): void {}

  /** Bytes from the upstream (`upstreamData`); while paused, `dataSize` is cumulative. */
  onUpstreamData(dataSize: usize, endOfStream: bool): Action { return Action.Continue; }

  /** The upstream side closed. */
  onUpstreamClose(peer: PeerType): void {}

  /** The proxy is done with the connection. */
  onStreamDone(): void {}

  /** Last call before the context is deleted. */
  onLog(): void {}
}
