// The wasm reader: reads what the check needs, and turns every malformed input into a
// WasmReadError with a clear message rather than a crash.
import { describe, expect, it } from "vitest";
import { formatSignature, readWasm, WasmReadError } from "../../host/wasm/wasm-reader.js";
import { conformantWat, wat } from "./wat.js";

describe("readWasm", () => {
  it("reads imports, exports and their signatures", async () => {
    const mod = readWasm(await wat(conformantWat()));
    expect(mod.imports).toEqual([
      { module: "env", name: "proxy_log", kind: "func", type: { params: ["i32", "i32", "i32"], results: ["i32"] } },
    ]);
    const headers = mod.exports.find((e) => e.name === "proxy_on_request_headers")!;
    expect(formatSignature(headers.type!)).toBe("(i32, i32, i32) -> i32");
    expect(mod.exports.find((e) => e.name === "memory")?.kind).toBe("memory");
    expect(mod.memories).toBe(1);
  });

  it("resolves an export that re-exports an imported function", async () => {
    const mod = readWasm(
      await wat(`(module
      (import "env" "proxy_done" (func $done (result i32)))
      (export "again" (func $done)))`),
    );
    expect(mod.exports[0]).toMatchObject({ name: "again", kind: "func", type: { params: [], results: ["i32"] } });
  });

  it("reads i64 parameters and non-function imports", async () => {
    const mod = readWasm(
      await wat(`(module
      (import "env" "proxy_increment_metric" (func (param i32 i64) (result i32)))
      (import "env" "t" (table 1 funcref))
      (import "env" "g" (global i32))
      (import "env" "m" (memory 1 2)))`),
    );
    expect(mod.imports.map((i) => i.kind)).toEqual(["func", "table", "global", "memory"]);
    expect(formatSignature(mod.imports[0].type!)).toBe("(i32, i64) -> i32");
  });

  it("rejects a file that is not wasm", () => {
    expect(() => readWasm(new TextEncoder().encode('{"name": "x"}'))).toThrow(/not a WebAssembly module/);
    expect(() => readWasm(new Uint8Array())).toThrow(/empty/);
  });

  it("rejects a component (binary layer 1) with an explanation", () => {
    const component = new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]);
    expect(() => readWasm(component)).toThrow(/component/);
  });

  it("reports every truncation of a real module as WasmReadError, never another error", async () => {
    const bytes = await wat(conformantWat());
    let truncatedMessages = 0;
    for (let len = 1; len < bytes.length; len++) {
      try {
        readWasm(bytes.subarray(0, len));
        // Cutting exactly between sections leaves a valid (shorter) module: allowed.
      } catch (e) {
        expect(e).toBeInstanceOf(WasmReadError);
        expect((e as Error).message).toMatch(/^truncated: /);
        truncatedMessages++;
      }
    }
    expect(truncatedMessages).toBeGreaterThan(bytes.length / 2);
  });
});
