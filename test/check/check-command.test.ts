// `check` on hand-written modules: each violation gives its message and exit status.
import { describe, expect, it } from "vitest";
import { checkModule } from "../../cli/conformance.js";
import { runCli, tmpFile } from "./run-cli.js";
import { conformantWat, wat } from "./wat.js";

const withoutMarker = conformantWat().replace(`(func (export "proxy_abi_version_0_2_1"))`, "");

describe("proxy-wasm-as check", () => {
  it("accepts a conformant module and lists its callbacks by group", async () => {
    const file = tmpFile("ok.wasm", await wat(conformantWat()));
    const { code, out, err } = await runCli("check", file);
    expect(err).toBe("");
    expect(out).toContain(`${file}: conforms to Proxy-Wasm ABI v0.2.1 (0 errors, 0 warnings)`);
    expect(out).toMatch(/ok\s+env\.proxy_log\s+\(i32, i32, i32\) -> i32/);
    expect(out).toMatch(/HTTP\s+proxy_on_request_headers/);
    expect(out).toMatch(/Timers\s+proxy_on_tick/);
    expect(out).toMatch(/Lifecycle\/config\s+proxy_on_context_create/);
    expect(code).toBe(0);
  });

  it("rejects env.abort and points at proxy-wasm-as/asconfig.json", async () => {
    const file = tmpFile(
      "abort.wasm",
      await wat(conformantWat({ imports: `(import "env" "abort" (func (param i32 i32 i32 i32)))` })),
    );
    const { code, out } = await runCli("check", file);
    expect(out).toContain("does NOT conform");
    expect(out).toMatch(/error\s+env\.abort: .*extend "proxy-wasm-as\/asconfig\.json"/);
    expect(code).toBe(1);
  });

  it("rejects a module without the ABI version marker", async () => {
    const file = tmpFile("nomarker.wasm", await wat(withoutMarker));
    const { code, out } = await runCli("check", file);
    expect(out).toMatch(/error\s+proxy_abi_version_0_2_1: missing/);
    expect(code).toBe(1);
  });

  it("names the advertised version when the module targets another ABI", async () => {
    const r = checkModule(
      await wat(withoutMarker.replace("(memory", `(func (export "proxy_abi_version_0_1_0")) (memory`)),
    );
    expect(r.findings.map((f) => f.message).join()).toContain("advertises proxy_abi_version_0_1_0 instead");
  });

  it("rejects a callback with the wrong signature, quoting both", async () => {
    const file = tmpFile("sig.wasm", await wat(conformantWat({ body: `(func (export "proxy_on_done") (param i32))` })));
    const { code, out } = await runCli("check", file);
    expect(out).toContain("proxy_on_done: exported as (i32) -> (), but ABI v0.2.1 defines (i32) -> i32");
    expect(code).toBe(1);
  });

  it("only warns about an unknown proxy_on_ export", async () => {
    const file = tmpFile("foo.wasm", await wat(conformantWat({ body: `(func (export "proxy_on_foo") (param i32))` })));
    const { code, out } = await runCli("check", file);
    expect(out).toContain("conforms to Proxy-Wasm ABI v0.2.1 (0 errors, 1 warning)");
    expect(out).toMatch(/warning\s+proxy_on_foo: not a callback of ABI v0\.2\.1/);
    expect(code).toBe(0);
  });

  it("fails with status 2 and a clear message on a file that is not wasm", async () => {
    const file = tmpFile("notwasm.wasm", "hello, I am text\n");
    const { code, out, err } = await runCli("check", file);
    expect(err).toBe(`${file}: not a WebAssembly module: it does not start with the \\0asm magic bytes\n`);
    expect(out).toBe("");
    expect(code).toBe(2);
  });

  it("fails with status 2 on a truncated module", async () => {
    const bytes = await wat(conformantWat());
    const file = tmpFile("truncated.wasm", bytes.subarray(0, bytes.length - 5));
    const { code, err } = await runCli("check", file);
    expect(err).toMatch(/^.*truncated\.wasm: truncated: /);
    expect(err).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
    expect(code).toBe(2);
  });

  it("fails with status 2 on a missing file", async () => {
    const { code, err } = await runCli("check", "/nonexistent/filter.wasm");
    expect(err).toBe("/nonexistent/filter.wasm: cannot read the file: no such file\n");
    expect(code).toBe(2);
  });

  it("exits with the worst status of several files", async () => {
    const ok = tmpFile("ok2.wasm", await wat(conformantWat()));
    const bad = tmpFile("bad2.wasm", await wat(withoutMarker));
    expect((await runCli("check", ok, bad)).code).toBe(1);
    expect((await runCli("check", bad, ok, "/nonexistent.wasm")).code).toBe(2);
  });
});

describe("import rules", () => {
  const importing = async (imports: string) => checkModule(await wat(conformantWat({ imports })));

  it("accepts WASI calls under wasi_snapshot_preview1 and wasi_unstable", async () => {
    for (const module of ["wasi_snapshot_preview1", "wasi_unstable"]) {
      const r = await importing(`(import "${module}" "clock_time_get" (func (param i32 i64 i32) (result i32)))`);
      expect(r.findings).toEqual([]);
    }
  });

  it("rejects an unknown WASI call, a wrong host signature and imported memory", async () => {
    const r = await importing(`
      (import "wasi_snapshot_preview1" "path_open" (func (param i32) (result i32)))
      (import "env" "proxy_get_property" (func (param i32 i32 i32) (result i32)))
      (import "env" "mem" (memory 1))`);
    const bySubject = Object.fromEntries(r.findings.map((f) => [f.subject, f]));
    expect(bySubject["wasi_snapshot_preview1.path_open"].message).toContain("only the WASI functions the ABI lists");
    expect(bySubject["env.proxy_get_property"].message).toContain("defines (i32, i32, i32, i32) -> i32");
    expect(bySubject["env.mem"].message).toContain("provides no memory");
    expect(r.errors).toBe(3);
  });

  it("sends console.log and Date.now users to the SDK helpers", async () => {
    const r = await importing(`
      (import "env" "console.log" (func (param i32)))
      (import "env" "Date.now" (func (result f64)))`);
    expect(r.findings[0].message).toContain("log helpers");
    expect(r.findings[1].message).toContain("time helpers");
  });

  it("warns on malloc alone, not next to proxy_on_memory_allocate", async () => {
    const alone = checkModule(await wat(conformantWat().replace(`"proxy_on_memory_allocate"`, `"malloc"`)));
    expect(alone.findings).toEqual([expect.objectContaining({ severity: "warning", subject: "malloc" })]);
    const both = checkModule(
      await wat(conformantWat({ body: `(func (export "malloc") (param i32) (result i32) (i32.const 0))` })),
    );
    expect(both.findings).toEqual([]);
  });
});

describe("--json and --help", () => {
  it("prints one JSON document with the report of each file", async () => {
    const file = tmpFile(
      "json.wasm",
      await wat(conformantWat({ imports: `(import "env" "abort" (func (param i32 i32 i32 i32)))` })),
    );
    const { code, out } = await runCli("check", "--json", file, "/nonexistent.wasm");
    const doc = JSON.parse(out);
    expect(doc.exitCode).toBe(2);
    expect(doc.files[0]).toMatchObject({ file, status: "nonconformant", exitCode: 1, errors: 1 });
    expect(doc.files[0].callbacks).toContainEqual({ group: "HTTP", callbacks: ["proxy_on_request_headers"] });
    expect(doc.files[1]).toMatchObject({ status: "unreadable", exitCode: 2 });
    expect(code).toBe(2);
  });

  it("--quiet prints one line for a conformant module and only the problems otherwise", async () => {
    const ok = tmpFile("quiet-ok.wasm", await wat(conformantWat()));
    const abort = tmpFile(
      "quiet-abort.wasm",
      await wat(conformantWat({ imports: `(import "env" "abort" (func (param i32 i32 i32 i32)))` })),
    );
    const { code, out } = await runCli("check", "--quiet", ok, abort);
    expect(code).toBe(1);
    const lines = out.trimEnd().split("\n");
    expect(lines[0]).toBe(`${ok}: conforms to Proxy-Wasm ABI v0.2.1 (0 errors, 0 warnings)`);
    expect(lines[1]).toBe(`${abort}: does NOT conform to Proxy-Wasm ABI v0.2.1 (1 error, 0 warnings)`);
    expect(lines[2]).toMatch(/^\s+error\s+env\.abort: /);
    expect(lines).toHaveLength(3);
    expect((await runCli("check", "--quiet", "--json", ok)).code).toBe(2);
  });

  it("prints usage", async () => {
    expect((await runCli("check", "--help")).out).toContain("Usage: proxy-wasm-as check");
    expect((await runCli("--help")).out).toContain("check");
    const none = await runCli("check");
    expect([none.code, none.err]).toEqual([2, expect.stringContaining("no file given")]);
    expect((await runCli("frobnicate")).code).toBe(2);
    const unknown = await runCli("check", "--frobnicate", "x.wasm");
    expect([unknown.code, unknown.err.split("\n")[0]]).toEqual([2, "check: unknown option --frobnicate"]);
  });
});
