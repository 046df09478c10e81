// Traps that name the TypeScript line: test/filters/trap-probe.ts traps on purpose, its build
// keeps test/build/trap-probe.wasm.map beside the .wasm, and the emulator's error lists the
// AssemblyScript frames as file.ts:line:column. Lines are found in the probe's source, so
// the tests follow the file when it changes.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Host, WasmTrapError } from "../../host/index.js";
import { displayName, SourceMap } from "../../host/wasm/source-map.js";
import { sections } from "../../host/wasm/wasm-binary.js";

const repo = new URL("../../", import.meta.url);
const WASM = new URL("test/build/trap-probe.wasm", repo);
const SOURCE = readFileSync(new URL("test/filters/trap-probe.ts", repo), "utf8").split("\n");
const FILE = "test/filters/trap-probe.ts";

/** file:line:column of `code` in the probe's source (1-based, as the error prints it). */
function at(code: string): string {
  const line = SOURCE.findIndex((l) => l.includes(code));
  if (line < 0) throw new Error(`not in the probe: ${code}`);
  return `${FILE}:${line + 1}:${SOURCE[line].indexOf(code) + 1}`;
}

async function trap(
  how: string,
  source: Uint8Array | string = readFileSync(WASM),
  host = new Host(),
): Promise<WasmTrapError> {
  const vm = await host.loadVm(source);
  const stream = vm.startPlugin().newHttpStream();
  try {
    stream.requestHeaders([
      [":method", "GET"],
      [":path", "/"],
      ["x-trap", how],
    ]);
  } catch (e) {
    expect(e).toBeInstanceOf(WasmTrapError);
    return e as WasmTrapError;
  }
  throw new Error(`x-trap: ${how} did not trap`);
}

/** The 1-based line of `code` in the probe's source. */
const lineOf = (code: string) => SOURCE.findIndex((l) => l.includes(code)) + 1;

const frames = (e: Error) =>
  e.message
    .split("\n")
    .slice(1)
    .map((l) => l.trim());
/** The filter's method is named with its line whether or not the optimizer inlined it (the SDK's build decides that). */
const method = (line: string) => line.replace(/ \(inlined\)$/, "");

describe("source map v3 lookups (decoded by @jridgewell/trace-mapping)", () => {
  it("maps a byte offset to the last segment at or before it, and unmapped bytes to the code before them", () => {
    // offset 10 → a.ts:1:1, offset 20 → a.ts:3:5, offset 30 → no source, offset 40 → b.ts:1:1
    const map = new SourceMap({ version: 3, sources: ["a.ts", "b.ts"], names: [], mappings: "UAAA,UAEI,U,UCFJ" });
    expect(map.lookup(5)).toBeNull();
    expect(map.lookup(10)).toEqual({ file: "a.ts", line: 1, column: 1 });
    expect(map.lookup(25)).toEqual({ file: "a.ts", line: 3, column: 5 });
    expect(map.lookup(35)).toEqual({ file: "a.ts", line: 3, column: 5 });
    expect(map.lookup(35, 30)).toBeNull();
    expect(map.lookup(45)).toEqual({ file: "b.ts", line: 1, column: 1 });
    expect(map.lookup(45, 0, (l) => l.file !== "b.ts")).toEqual({ file: "a.ts", line: 3, column: 5 });
    expect(() => new SourceMap({ version: 2, sources: [], mappings: "" })).toThrow(/not a version 3 source map/);
  });

  it("names functions as TypeScript users know them", () => {
    expect(displayName("test/filters/trap-probe/TrapProbe#onRequestHeaders", "test/filters/trap-probe.ts")).toBe(
      "TrapProbe.onRequestHeaders",
    );
    expect(displayName("~lib/map/Map<~lib/string/String,i32>#get", "~lib/map.ts")).toBe("Map<String,i32>.get");
    expect(displayName("assembly/index/pickLevel", "assembly/index.ts")).toBe("pickLevel");
    expect(displayName("~lib/proxy-wasm-as/assembly/proxy/proxy_on_request_headers")).toBe("proxy_on_request_headers");
  });
});

describe("a trap names the TypeScript line", () => {
  it("unreachable() in the filter: the line, the filter's method, and the SDK's frames that called it", async () => {
    const e = await trap("unreachable");
    expect(e.message.split("\n")[0]).toMatch(
      /^proxy_on_request_headers\(\d+, \d+, 0\) failed in VM "" \(context \d+\): unreachable$/,
    );
    expect(method(frames(e)[0])).toBe(`at TrapProbe.onRequestHeaders (${at("unreachable();")})`);
    // The outermost frame is the SDK's entry: the exported callback (proxy.ts) or, where the
    // optimizer inlined the dispatcher into it, the dispatcher's call of the filter's method.
    expect(frames(e).at(-1)).toMatch(
      /^at \S+ \(~lib\/proxy-wasm-as\/assembly\/(proxy|dispatcher)\.ts:\d+:\d+\)( \(inlined\))?$/,
    );
  });

  it("a memory access out of bounds in an inlined helper: the failing load's line, then the line that called the helper", async () => {
    const e = await trap("oob");
    expect(e.message.split("\n")[0]).toMatch(/memory access out of bounds$/);
    const [load, call] = frames(e);
    expect(load).toBe(`at readFar (${at("load<u32>(0xfffffff0)")}) (inlined)`);
    // The call's line (the column is where binaryen's map puts the statement that holds it).
    expect(method(call)).toMatch(
      new RegExp(`^at TrapProbe\\.onRequestHeaders \\(${FILE}:${lineOf("readFar().toString()")}:\\d+\\)$`),
    );
  });

  it("a library abort (array index): the abort, the library's failing line, then the filter's line and method", async () => {
    const e = await trap("index");
    expect(e.abortMessage).toMatch(/Index out of range at ~lib\/array\.ts/);
    const f = frames(e);
    expect(f[0]).toMatch(/^at abortWithLog \(~lib\/proxy-wasm-as\/assembly\/runtime\/abort\.ts:\d+:\d+\)$/);
    expect(f[1]).toMatch(/^at Array<i32>\.__get \(~lib\/array\.ts:\d+:\d+\) \(inlined\)$/);
    expect(method(f[2])).toBe(`at TrapProbe.onRequestHeaders (${at("list[numHeaders + 10]")})`);
  });

  it("a Map key that is not there", async () => {
    const e = await trap("missing-key");
    expect(e.abortMessage).toMatch(/Key does not exist/);
    expect(frames(e).map(method)).toContain(`at TrapProbe.onRequestHeaders (${at("limits.get(how)")})`);
    expect(frames(e)).toContainEqual(
      expect.stringMatching(/^at Map<String,i32>\.get \(~lib\/map\.ts:\d+:\d+\) \(inlined\)$/),
    );
  });

  it("a map without the SDK's function names (another build) still gives the lines", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pwas-plain-map-"));
    copyFileSync(WASM, join(dir, "filter.wasm"));
    const map = JSON.parse(readFileSync(new URL("test/build/trap-probe.wasm.map", repo), "utf8"));
    delete map.x_proxy_wasm_as_functions;
    delete map.x_proxy_wasm_as_scopes;
    writeFileSync(join(dir, "filter.wasm.map"), JSON.stringify(map));
    const e = await trap("index", join(dir, "filter.wasm"));
    const f = frames(e);
    expect(f[1]).toMatch(/^at ~lib\/array\.ts:\d+:\d+$/);
    expect(f[2]).toBe(`at ${at("list[numHeaders + 10]")} (inlined)`);
  });

  it("finds the map beside a module loaded by path, and in serve's one-line form too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pwas-map-"));
    copyFileSync(WASM, join(dir, "filter.wasm"));
    copyFileSync(new URL("test/build/trap-probe.wasm.map", repo), join(dir, "filter.wasm.map"));
    const e = await trap("unreachable", join(dir, "filter.wasm"));
    expect(method(frames(e)[0])).toBe(`at TrapProbe.onRequestHeaders (${at("unreachable();")})`);
  });

  it("without a source map the message is what it always was", async () => {
    // The same module with one more custom section: no .wasm on disk has these bytes (and no
    // other test file serves them: test files share loaded modules, and with them the
    // emulator's record of where each module's map is).
    const bytes = readFileSync(WASM);
    const extra = Buffer.from([0, 9, 8, ...Buffer.from("unmapped")]);
    const e = await trap("unreachable", new Uint8Array(Buffer.concat([bytes, extra])));
    expect(e.message).toMatch(/^proxy_on_request_headers\(\d+, \d+, 0\) failed in VM "" \(context \d+\): unreachable$/);
  });

  it("a module the loop limit rewrote is not mapped (its offsets no longer match the map)", async () => {
    const e = await trap("unreachable", readFileSync(WASM), new Host({ loopLimit: 1_000_000 }));
    expect(e.message).not.toContain("\n");
  });

  it("the shipped .wasm carries no sourceMappingURL or other custom section", () => {
    const bytes = new Uint8Array(readFileSync(WASM));
    expect(sections(bytes).filter((s) => s.id === 0)).toEqual([]);
    expect(readFileSync(new URL("test/build/trap-probe.wasm.map", repo), "utf8")).toContain('"version":3');
  });
});
