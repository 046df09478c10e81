// What starting an asynchronous call returns: the host's status and, when OK, the call's token.
import { Status } from "./types";

export class CallResult {
  constructor(public readonly status: Status, public readonly token: u32) {}

  /** Whether the host accepted the call (its answer will arrive on the calling context). */
  get ok(): bool { return this.status == Status.Ok; }
}
