// Memory: the linear memory of examples/http-headers after 1,000 and after 1,000,000 stream
// lifecycles. A filter that frees what each stream allocated stays at the same size.
import { RESPONSE_HEADERS, requestHeaders, startPlugin } from "./workloads.mjs";
import { at } from "./paths.mjs";

export const MEMORY_EXAMPLE = "http-headers";

export async function measureMemory({ first = 1_000, total = 1_000_000 } = {}) {
  const wasm = at("examples", MEMORY_EXAMPLE, "build", "filter.wasm");
  const { vm, plugin } = await startPlugin(wasm, MEMORY_EXAMPLE);
  const req = requestHeaders(10);
  const run = (n) => {
    for (let i = 0; i < n; i++) {
      const s = plugin.newHttpStream();
      s.requestHeaders(req, { endOfStream: true });
      s.responseHeaders(RESPONSE_HEADERS, { endOfStream: true });
      s.complete();
    }
  };
  const start = vm.memoryBytes;
  run(first);
  const afterFirst = vm.memoryBytes;
  run(total - first);
  const afterTotal = vm.memoryBytes;
  return { example: MEMORY_EXAMPLE, start, first, afterFirst, total, afterTotal, grew: afterTotal !== afterFirst };
}
