import { describe, expect, it } from "vitest";
import { decodePairs, encodePairs, Host } from "../../host/index.js";
import { saved, savedText, slot, wat } from "./wat.js";

const GET: [string, string][] = [
  [":method", "GET"],
  [":path", "/a"],
  [":authority", "x"],
  ["Accept", "1"],
  ["accept", "2"],
];

async function run(body: string, strings: Record<string, string> = {}) {
  const host = new Host();
  const vm = await host.loadVm(wat(body, strings));
  const plugin = vm.startPlugin();
  return { host, vm, plugin };
}

const onReqHeaders = (code: string) =>
  `(func (export "proxy_on_request_headers") (param $id i32) (param $n i32) (param $eos i32) (result i32) ${code} (i32.const 0))`;

describe("header maps", () => {
  it("get: first value, names matched case-insensitively, NOT_FOUND for a missing key", async () => {
    const { vm, plugin } = await run(
      onReqHeaders(`
        (call $rec (i32.const 0) (call $proxy_get_header_map_value (i32.const 0) @acc (i32.const 0x100) (i32.const 0x104)))
        (call $save (i32.const 0))
        (call $rec (i32.const 1) (call $proxy_get_header_map_value (i32.const 0) @missing (i32.const 0x100) (i32.const 0x104)))
        (call $rec (i32.const 2) (local.get $n))`),
      { acc: "ACCEPT", missing: "x-nope" },
    );
    const s = plugin.newHttpStream();
    s.requestHeaders(GET);
    expect(slot(vm, 0)).toBe(0);
    expect(savedText(vm, 0)).toBe("1");
    expect(slot(vm, 1)).toBe(1);
    expect(slot(vm, 2)).toBe(5);
    expect(s.requestHeadersMap).toEqual([
      [":method", "GET"],
      [":path", "/a"],
      [":authority", "x"],
      ["accept", "1"],
      ["accept", "2"],
    ]);
  });

  it("pairs: serialized as count, (key len, value len)*, then key\\0value\\0 per pair", async () => {
    const { vm, plugin } = await run(
      onReqHeaders(
        `(call $rec (i32.const 0) (call $proxy_get_header_map_pairs (i32.const 0) (i32.const 0x100) (i32.const 0x104))) (call $save (i32.const 0))`,
      ),
    );
    plugin.newHttpStream().requestHeaders([
      ["a", "1"],
      ["b", "22"],
    ]);
    expect(slot(vm, 0)).toBe(0);
    expect([...saved(vm, 0)]).toEqual([
      2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0x61, 0, 0x31, 0, 0x62, 0, 0x32, 0x32, 0,
    ]);
    expect(decodePairs(saved(vm, 0))).toEqual([
      ["a", "1"],
      ["b", "22"],
    ]);
  });

  it("add keeps duplicates, replace sets one value, remove drops all; names lower-cased", async () => {
    const { plugin } = await run(
      onReqHeaders(`
        (drop (call $proxy_add_header_map_value (i32.const 0) @X @v1))
        (drop (call $proxy_add_header_map_value (i32.const 0) @X @v2))
        (drop (call $proxy_replace_header_map_value (i32.const 0) @acc @v3))
        (drop (call $proxy_remove_header_map_value (i32.const 0) @auth))
        (drop (call $proxy_replace_header_map_value (i32.const 0) @new @v1))`),
      { X: "X-Added", v1: "one", v2: "two", v3: "three", acc: "Accept", auth: ":Authority", new: "X-New" },
    );
    const s = plugin.newHttpStream();
    s.requestHeaders(GET);
    expect(s.requestHeadersMap).toEqual([
      [":method", "GET"],
      [":path", "/a"],
      ["accept", "three"],
      ["x-added", "one"],
      ["x-added", "two"],
      ["x-new", "one"],
    ]);
  });

  it("set pairs replaces the whole map", async () => {
    const pairs = encodePairs([
      ["k", "v"],
      [":status", "201"],
    ]);
    const hex = [...pairs].map((b) => "\\" + b.toString(16).padStart(2, "0")).join("");
    const { plugin } = await run(`(data (i32.const 0x3000) "${hex}")
      (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32)
        (drop (call $proxy_set_header_map_pairs (i32.const 2) (i32.const 0x3000) (i32.const ${pairs.length}))) (i32.const 0))`);
    const s = plugin.newHttpStream();
    s.requestHeaders(GET, { endOfStream: true });
    s.responseHeaders([
      [":status", "200"],
      ["server", "up"],
    ]);
    expect(s.responseHeadersMap).toEqual([
      [":status", "201"],
      ["k", "v"],
    ]);
  });

  // Envoy context.cc: decodeHeaders/encodeHeaders drop the map pointer when the callback returns
  // Continue (BAD_ARGUMENT afterwards); getHeaderMapValue answers NOT_FOUND for a missing map in
  // the access log phase, where getConstMap reads the access log's maps.
  it("a map is there from its arrival until its callback continues; on_log reads the access log's maps", async () => {
    const { vm, plugin } = await run(
      `
      (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
        (call $rec (i32.const 7) (call $proxy_get_header_map_value (i32.const 2) @st (i32.const 0x100) (i32.const 0x104)))
        (call $rec (i32.const 8) (call $proxy_add_header_map_value (i32.const 2) @p @p))
        (i32.const 0))
      (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32)
        (call $rec (i32.const 0) (call $proxy_get_header_map_value (i32.const 0) @p (i32.const 0x100) (i32.const 0x104)))
        (call $rec (i32.const 1) (call $proxy_get_header_map_pairs (i32.const 0) (i32.const 0x100) (i32.const 0x104)))
        (call $rec (i32.const 2) (i32.gt_u (i32.load (i32.const 0x104)) (i32.const 0)))
        (call $rec (i32.const 3) (call $proxy_add_header_map_value (i32.const 0) @st @st))
        (i32.const 0))
      (func (export "proxy_on_log") (param i32)
        (call $rec (i32.const 4) (call $proxy_get_header_map_value (i32.const 0) @p (i32.const 0x100) (i32.const 0x104)))
        (call $save (i32.const 0))
        (call $rec (i32.const 5) (call $proxy_get_header_map_value (i32.const 2) @st (i32.const 0x100) (i32.const 0x104)))
        (call $save (i32.const 1))
        (call $rec (i32.const 6) (call $proxy_add_header_map_value (i32.const 0) @p @p)))`,
      { p: ":path", st: ":status" },
    );
    const s = plugin.newHttpStream();
    s.requestHeaders(GET, { endOfStream: true });
    // Response headers have not arrived during the request callback.
    expect([slot(vm, 7), slot(vm, 8)]).toEqual([2, 2]);
    s.responseHeaders([[":status", "404"]], { endOfStream: true });
    // The request headers continued: gone in the response callback (pairs read as empty).
    expect([slot(vm, 0), slot(vm, 1), slot(vm, 2), slot(vm, 3)]).toEqual([2, 0, 0, 2]);
    s.complete();
    expect(slot(vm, 4)).toBe(0);
    expect(savedText(vm, 0)).toBe("/a");
    expect(slot(vm, 5)).toBe(0);
    expect(savedText(vm, 1)).toBe("404");
    expect(slot(vm, 6)).toBe(2);
  });

  it("unknown map type → BAD_ARGUMENT; pointers out of bounds → INVALID_MEMORY_ACCESS", async () => {
    const { vm, plugin } = await run(
      onReqHeaders(`
        (call $rec (i32.const 0) (call $proxy_get_header_map_value (i32.const 8) @p (i32.const 0x100) (i32.const 0x104)))
        (call $rec (i32.const 1) (call $proxy_get_header_map_value (i32.const 0) (i32.const 0x1fff0) (i32.const 100) (i32.const 0x100) (i32.const 0x104)))
        (call $rec (i32.const 2) (call $proxy_get_header_map_value (i32.const 0) @p (i32.const 0x100) (i32.const -4)))
        (call $rec (i32.const 3) (call $proxy_log (i32.const 2) (i32.const -1) (i32.const 2)))
        (call $rec (i32.const 4) (call $proxy_log (i32.const 6) @p))
        (call $rec (i32.const 5) (call $proxy_get_header_map_size (i32.const 0) (i32.const 0x108)))
        (call $rec (i32.const 6) (i32.load (i32.const 0x108)))`),
      { p: ":path" },
    );
    plugin.newHttpStream().requestHeaders(GET);
    expect([slot(vm, 0), slot(vm, 1), slot(vm, 2), slot(vm, 3), slot(vm, 4), slot(vm, 5)]).toEqual([2, 6, 6, 6, 2, 0]);
    // Envoy's byteSize: names + values, without serialization overhead.
    expect(slot(vm, 6)).toBe(":methodGET:path/a:authorityxaccept1accept2".length);
  });
});
