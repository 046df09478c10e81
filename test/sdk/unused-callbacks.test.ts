// A callback the filter does not act on is stubbed at build time (asc-transform/unused-callbacks.js):
// its export stays and does what the SDK's default would, Continue or nothing. Checked on the
// rule itself, on a build with and without the transform, and on a stream.
import asc from "assemblyscript/asc";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { unusedCallbacks } from "../../asc-transform/unused-callbacks.js";
import { Host } from "../../host/index.js";
import { ADD_HEADER, GET } from "./helpers.js";

const repo = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const sdkConfig = JSON.parse(readFileSync(join(repo, "asconfig.json"), "utf8"));
const TRANSFORMS: string[] = sdkConfig.options.transform.map((t: string) =>
  join(repo, "asc-transform", t.slice(t.lastIndexOf("/") + 1)),
);
const outDir = mkdtempSync(join(tmpdir(), "pwas-unused-callbacks-"));

/** test/filters/add-header.ts built with the SDK's options and these transforms. */
async function build(transform: string[], name: string): Promise<Uint8Array> {
  const config = join(outDir, `${name}-asconfig.json`);
  writeFileSync(
    config,
    JSON.stringify({ ...sdkConfig, options: { ...sdkConfig.options, transform, sourceMap: false } }),
  );
  const output = join(outDir, `${name}.wasm`);
  const previous = process.cwd();
  process.chdir(repo);
  try {
    const r = await asc.main(["test/filters/add-header.ts", "--config", config, "-o", output], {
      stdout: { write: () => true } as never,
      stderr: { write: () => true } as never,
    });
    if (r.error) throw r.error;
  } finally {
    process.chdir(previous);
  }
  return new Uint8Array(readFileSync(output));
}

describe("callbacks a filter does not act on", () => {
  it("are stubbed unless a class outside the SDK declares their method, or the filter makes calls", () => {
    const none = unusedCallbacks(new Set(), false);
    for (const stubbed of [
      "proxy_on_request_body",
      "proxy_on_tick",
      "proxy_on_new_connection",
      "proxy_on_http_call_response",
    ]) {
      expect(none).toContain(stubbed);
    }
    // Lifecycle callbacks are never stubbed.
    for (const kept of [
      "proxy_on_context_create",
      "proxy_on_done",
      "proxy_on_log",
      "proxy_on_delete",
      "proxy_on_configure",
    ]) {
      expect(none).not.toContain(kept);
    }
    const some = unusedCallbacks(new Set(["onRequestBody", "onTick"]), true);
    expect(some).not.toContain("proxy_on_request_body");
    expect(some).not.toContain("proxy_on_tick");
    expect(some).toContain("proxy_on_response_body");
    for (const answer of ["proxy_on_http_call_response", "proxy_on_grpc_receive", "proxy_on_grpc_close"]) {
      expect(some).not.toContain(answer);
    }
  });

  it("keep every export (ngx_wasm_module calls each stream callback it looks up) and shrink the module", async () => {
    const withStubs = await build(TRANSFORMS, "with");
    const without = await build(
      TRANSFORMS.filter((t) => !t.endsWith("unused-callbacks.js")),
      "without",
    );
    const names = (wasm: Uint8Array) =>
      WebAssembly.Module.exports(new WebAssembly.Module(wasm))
        .map((e) => e.name)
        .sort();
    expect(names(withStubs)).toEqual(names(without));
    expect(names(withStubs)).toContain("proxy_on_grpc_close");
    // add-header overrides two of the 19 callbacks it could: the other 17's dispatch code and
    // the log messages it carries are not compiled.
    expect(without.length - withStubs.length).toBeGreaterThan(300);
  }, 120_000);

  it("a stubbed callback continues: add-header's request body goes through unchanged", async () => {
    const host = new Host();
    const plugin = (await host.loadVm(ADD_HEADER)).startPlugin({ rootId: "add_header" });
    const s = plugin.newHttpStream();
    s.requestHeaders(GET, { endOfStream: false });
    expect(s.requestBody("payload", false)).toBe(0); // Continue
    expect(s.requestBody(" more", true)).toBe(0);
    expect(s.requestPaused).toBe(false);
    expect(s.requestBodyText).toBe("payload more");
    expect(s.requestHeader("x-path-length")).toBe("seen");
  });
});
