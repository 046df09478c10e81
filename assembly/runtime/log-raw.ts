// The one logging primitive the runtime layer needs: a string to proxy_log, with no allocation.
import { proxy_log } from "../abi/imports";
import { scratchEncode, scratchLength, scratchReserve } from "./memory";

export function logRaw(level: u32, message: string): u32 {
  scratchReserve(<usize>message.length);
  const ptr = scratchEncode(message);
  return proxy_log(level, ptr, scratchLength);
}
