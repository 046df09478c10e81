// Oversized modules (issue 24.10): loadVm refuses a module above maxModuleBytes before reading
// a file whole, and what V8 compiles leaves out the custom sections a VM never reads, so a
// module carrying a large one is held once (the file's bytes), not four times as before.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodedMappings, encodedMappings, TraceMap } from "@jridgewell/trace-mapping";
import { Host, WasmTrapError } from "../../host/index.js";
import { compilableModule, sections, uleb } from "../../host/wasm/wasm-binary.js";
import { wat } from "../host/wat.js";

/** A custom section named `name` with `size` bytes of payload data. */
function customSection(name: string, size: number): Uint8Array {
  const payload = [...uleb(name.length), ...Buffer.from(name), ...new Uint8Array(size).fill(7)];
  return Uint8Array.from([0, ...uleb(payload.length), ...payload]);
}

/** The module with `extra` inserted right after its 8-byte header (before every other section). */
function withSectionFirst(module: Uint8Array, extra: Uint8Array): Uint8Array {
  return new Uint8Array(Buffer.concat([module.subarray(0, 8), extra, module.subarray(8)]));
}

const TRAP_PROBE = new URL("../build/trap-probe.wasm", import.meta.url);

describe("loadVm's module size cap (maxModuleBytes)", () => {
  const module = wat("");

  it("refuses a file above the cap, naming its size, the cap and the option", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "pwas-size-")), "big.wasm");
    writeFileSync(file, withSectionFirst(module, customSection("pad", 4096)));
    const host = new Host({ maxModuleBytes: 4096 });
    const load = host.loadVm(file);
    await expect(load).rejects.toThrow(RangeError);
    await expect(host.loadVm(file)).rejects.toThrow(
      /^Failed to load Wasm module: .*big\.wasm is \d+ bytes, more than the host's maxModuleBytes \(4096\); raise it with new Host\(\{ maxModuleBytes \}\)/,
    );
    // Raised, the same file loads.
    await expect(new Host({ maxModuleBytes: 8192 }).loadVm(file)).resolves.toBeDefined();
  });

  it("refuses bytes above the cap, and takes a module of exactly the cap", async () => {
    await expect(new Host({ maxModuleBytes: module.length - 1 }).loadVm(module)).rejects.toThrow(
      /the module is \d+ bytes, more than/,
    );
    await expect(new Host({ maxModuleBytes: module.length }).loadVm(module)).resolves.toBeDefined();
  });

  it("defaults to 128 MiB", () => {
    expect(new Host().maxModuleBytes).toBe(128 * 1024 * 1024);
  });
});

describe("what V8 compiles", () => {
  it('keeps every section but custom ones other than "name", in one copy', () => {
    const module = wat("");
    const big = withSectionFirst(
      module,
      Uint8Array.from([...customSection("name", 3), ...customSection("dwarf", 100_000)]),
    );
    const compiled = compilableModule(big, 16);
    const ids = (b: Uint8Array) => sections(b).map((s) => s.id);
    expect(ids(module)).not.toContain(0);
    expect(ids(compiled)).toEqual([0, ...ids(module)]); // the name section, then the module's own
    expect(compiled.length).toBeLessThan(module.length + 100);
  });

  it("a trap in a module with a custom section before its code still names the TypeScript line", async () => {
    // The emulator compiles the module without the section, so V8's offsets move by its size;
    // the map (shifted here to fit the file) counts from the file as written.
    const extra = customSection("pad", 5000);
    const bytes = withSectionFirst(new Uint8Array(readFileSync(TRAP_PROBE)), extra);
    const map = JSON.parse(readFileSync(new URL("../build/trap-probe.wasm.map", import.meta.url), "utf8"));
    const shifted = decodedMappings(new TraceMap(map)).map((line) =>
      line.map(([col, ...rest]) => [col + extra.length, ...rest]),
    );
    map.mappings = encodedMappings(new TraceMap({ ...map, mappings: shifted }));
    const dir = mkdtempSync(join(tmpdir(), "pwas-shift-"));
    writeFileSync(join(dir, "filter.wasm"), bytes);
    writeFileSync(join(dir, "filter.wasm.map"), JSON.stringify(map));
    const vm = await new Host().loadVm(join(dir, "filter.wasm"));
    let error: unknown;
    try {
      vm.startPlugin()
        .newHttpStream()
        .requestHeaders([
          [":method", "GET"],
          [":path", "/"],
          ["x-trap", "unreachable"],
        ]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WasmTrapError);
    expect((error as Error).message).toMatch(
      /\n {4}at TrapProbe\.onRequestHeaders \(test\/filters\/trap-probe\.ts:\d+:\d+\)( \(inlined\))?\n/,
    );
  });
});
