// Bodies without blow-up: a 2 MiB request body read as bytes, changed in place, written back and
// logged with a prefix must peak at 3× its size in linear memory at most, and a thousand such
// streams end where the first ended. The string path is measured beside it, for docs/concepts.md.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Host } from "proxy-wasm-as/host";

const WASM = new Uint8Array(readFileSync(fileURLToPath(new URL("../build/body-lean.wasm", import.meta.url))));
const MIB = 1024 * 1024;
const BODY = new TextEncoder()
  .encode("the quick brown fox jumps over the lazy dog\n".repeat(Math.ceil((2 * MIB) / 44)))
  .subarray(0, 2 * MIB);
const UPPER = new TextEncoder().encode(new TextDecoder().decode(BODY).toUpperCase());
const HEADERS: [string, string][] = [
  [":method", "POST"],
  [":path", "/upload"],
  [":authority", "example.com"],
];

async function start(mode: string, record = true) {
  const host = new Host({ record });
  const vm = await host.loadVm(WASM);
  const plugin = vm.startPlugin({ configuration: mode });
  expect(plugin.configured).toBe(true);
  const stream = () => {
    const s = plugin.newHttpStream();
    s.requestHeaders(HEADERS);
    s.requestBody(BODY, true);
    return s;
  };
  return { host, vm, stream };
}

describe("a 2 MiB body through the byte path", () => {
  it("is upper-cased, logged with its prefix, and peaks under 3× its size", async () => {
    const { host, vm, stream } = await start("bytes");
    const before = vm.memoryBytes;
    const s = stream();
    expect(Buffer.compare(Buffer.from(s.requestBodyBytes), Buffer.from(UPPER))).toBe(0);
    const line = host.logsAt("info").find((m: string) => m.startsWith("body: "));
    expect(line?.length).toBe("body: ".length + BODY.length);
    expect(line?.slice(-40)).toBe(new TextDecoder().decode(UPPER.subarray(-40)));
    s.complete();
    expect(before).toBeLessThan(MIB); // the VM itself is small: what follows is the body's cost
    expect(vm.memoryBytes).toBeLessThanOrEqual(3 * BODY.length);
  });

  it("ends a thousand streams where the first ended", async () => {
    const { vm, stream } = await start("bytes", false);
    stream().complete();
    const afterFirst = vm.memoryBytes;
    for (let i = 1; i < 1000; i++) stream().complete();
    expect(vm.memoryBytes).toBe(afterFirst);
  });

  it("reads the body 64 KiB at a time into one buffer, allocating nothing per chunk", async () => {
    const { host, vm, stream } = await start("chunks");
    const before = vm.memoryBytes;
    stream().complete();
    let sum = 0;
    for (const b of BODY) sum = (Math.imul(sum, 31) + b) >>> 0;
    expect(host.logsAt("info")).toContain(`chunks: ${BODY.length} bytes, checksum ${sum}`);
    // The host holds the body; the filter only ever held one 64 KiB buffer.
    expect(vm.memoryBytes).toBe(before);
  });

  it("costs several times more through strings (the figure docs/concepts.md gives)", async () => {
    const lean = await start("bytes");
    lean.stream().complete();
    const strings = await start("string");
    strings.stream().complete();
    expect(strings.vm.memoryBytes).toBeGreaterThan(2 * lean.vm.memoryBytes);
    console.log(
      `2 MiB body: bytes path ${lean.vm.memoryBytes} B of linear memory, string path ${strings.vm.memoryBytes} B`,
    );
  });
});
