// Foreign functions: host-specific extensions called by name (e.g. Envoy's "compress").
import { proxy_call_foreign_function } from "./abi/imports";
import { checkHostStatus } from "./runtime/host-error";
import { bufferPtr, bufferSize, clearResult, RESULT_PTR, RESULT_SIZE, takeResultBuffer } from "./runtime/memory";
import { Status } from "./types";

export class ForeignCallResult {
  constructor(public readonly status: Status, public readonly results: ArrayBuffer | null) {}
}

export function callForeignFunction(name: string, args: ArrayBuffer | null): ForeignCallResult {
  const nameBytes = String.UTF8.encode(name);
  clearResult();
  const status = <Status>checkHostStatus("call foreign function " + name, proxy_call_foreign_function(
    changetype<usize>(nameBytes), <usize>nameBytes.byteLength, bufferPtr(args), bufferSize(args), RESULT_PTR, RESULT_SIZE));
  return new ForeignCallResult(status, status == Status.Ok ? takeResultBuffer() : null);
}
