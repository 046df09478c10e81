// Errors the emulator throws at the test: a trap inside the filter, and the restricted-call
// trap cpp-host raises when _initialize calls anything but logging and WASI.

export class WasmTrapError extends Error {
  /** The export that was running, e.g. "proxy_on_request_headers". */
  readonly callback: string;
  readonly contextId: number;
  readonly args: number[];
  /** The filter's last CRITICAL (else ERROR) log line in that callback: AssemblyScript's abort message. */
  readonly abortMessage: string | undefined;

  /** sourceStack: the AssemblyScript frames ("\n    at file.ts:line:column" each), when a source map is known. */
  constructor(o: {
    callback: string;
    contextId: number;
    args: number[];
    cause: unknown;
    abortMessage?: string;
    vmId: string;
    sourceStack?: string;
  }) {
    const why = o.cause instanceof Error ? o.cause.message : String(o.cause);
    const abort = o.abortMessage ? ` — filter logged: ${o.abortMessage}` : "";
    super(
      `${o.callback}(${o.args.join(", ")}) failed in VM "${o.vmId}" (context ${o.contextId}): ${why}${abort}${o.sourceStack ?? ""}`,
      {
        cause: o.cause,
      },
    );
    this.name = "WasmTrapError";
    this.callback = o.callback;
    this.contextId = o.contextId;
    this.args = o.args;
    this.abortMessage = o.abortMessage;
  }
}

/** Thrown through the module (a trap) when a host function is used where cpp-host forbids it. */
export class RestrictedCallError extends Error {
  constructor(fn: string) {
    super(
      `restricted_callback: ${fn} called during _initialize (only proxy_log and WASI are allowed before a context exists)`,
    );
    this.name = "RestrictedCallError";
  }
}

export class ProcExitError extends Error {
  constructor(readonly code: number) {
    super(`wasi proc_exit(${code}) called`);
    this.name = "ProcExitError";
  }
}
