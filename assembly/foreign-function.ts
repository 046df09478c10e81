// Foreign functions: host-specific extensions called by name (e.g. Envoy's "compress").
import { proxy_call_foreign_function } from "./abi/imports";
import { checkHostStatus } from "./runtime/host-error";
import {
  bufferPtr, bufferSize, clearResult, RESULT_PTR, RESULT_SIZE, scratchLength, scratchPut, scratchReserve, takeResultBuffer,
  unitsToEncode,
} from "./runtime/memory";
import { Status } from "./types";

export class ForeignCallResult {
  constructor(public readonly status: Status, public readonly results: ArrayBuffer | null) {}
}

export function callForeignFunction(name: string, args: ArrayBuffer | null): ForeignCallResult {
  scratchReserve(unitsToEncode(name));
  const namePtr = scratchPut(name);
  clearResult();
  const status = <Status>proxy_call_foreign_function(namePtr, scratchLength, bufferPtr(args), bufferSize(args), RESULT_PTR, RESULT_SIZE);
  // The log line names the function: built only when there may be something to log.
  if (status != Status.Ok) checkHostStatus("call foreign function " + name, status);
  return new ForeignCallResult(status, status == Status.Ok ? takeResultBuffer() : null);
}
