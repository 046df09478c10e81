// NUL, CR and LF in header names and values a filter sets (issue 24.8), as Envoy handles them:
// proxy_add/replace_header_map_value answer OK (Envoy's HeaderString only ASSERTs in debug
// builds), but Envoy's upstream codec refuses such request headers
// (HeaderUtility::checkValidRequestHeaders) and the router answers 503 through the filter's
// response callbacks (UpstreamCodecFilter::decodeHeaders). Response headers are not checked.
import { describe, expect, it } from "vitest";
import { Host } from "../../host/index.js";
import { headerNameIsValid, headerValueIsValid, invalidRequestHeader } from "../../host/wasm/header-validation.js";
import { slot, wat } from "../host/wat.js";

const GET: [string, string][] = [
  [":method", "GET"],
  [":path", "/"],
  [":authority", "example.com"],
];

/** A filter that adds header @k = @v to the request (slot 0) or response (slot 1) and counts on_response_headers. */
async function adding(map: "request" | "response", name: string, value: string) {
  const type = map === "request" ? 0 : 2;
  const add = `(call $rec (i32.const ${type === 0 ? 0 : 1}) (call $proxy_add_header_map_value (i32.const ${type}) @k @v))`;
  const vm = await new Host().loadVm(
    wat(
      `
    (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32) ${map === "request" ? add : ""} (i32.const 0))
    (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32)
      (call $rec (i32.const 2) (i32.add (i32.load (i32.const 0x208)) (i32.const 1)))
      ${map === "response" ? add : ""} (i32.const 0))`,
      { k: name, v: value },
    ),
  );
  return { vm, stream: vm.startPlugin().newHttpStream() };
}

describe("a filter's header bytes Envoy's codec refuses", () => {
  for (const [label, name, value, message] of [
    ["LF in a value", "x-evil", "a\nb", "invalid header value for: x-evil"],
    ["CR LF (a smuggled header) in a value", "x-evil", "a\r\nx-admin: 1", "invalid header value for: x-evil"],
    ["NUL in a value", "x-evil", "a\0b", "invalid header value for: x-evil"],
    ["NUL in a name", "x-e\0vil", "v", "invalid header name: x-e\\u0000vil"],
    ["LF in a name", "x-e\nvil", "v", "invalid header name: x-e\\nvil"],
    ["a space in a name", "x evil", "v", "invalid header name: x evil"],
  ] as const) {
    it(`${label}: the add is OK, the request is not sent upstream, the router answers 503`, async () => {
      const { vm, stream } = await adding("request", name, value);
      expect(stream.requestHeaders(GET, { endOfStream: true })).toBe(0);
      expect(slot(vm, 0)).toBe(0); // proxy_add_header_map_value: OK, as in Envoy
      expect(stream.requestHeadersForwarded).toBe(false);
      expect(stream.localResponse).toMatchObject({
        status: 503,
        bodyText: message,
        details: `filter_removed_required_request_headers{${message.replace(/ /g, "_")}}`,
      });
      expect(slot(vm, 2)).toBe(1); // the reply ran through the filter's response callback
      expect(stream.responseHeader(":status")).toBe("503");
      expect(() => stream.responseHeaders([[":status", "200"]])).toThrow(/local response/);
    });
  }

  it("a paused request refused on resume gets the same answer, and its held body is not delivered", async () => {
    const vm = await new Host().loadVm(
      wat(
        `
      (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
        (drop (call $proxy_add_header_map_value (i32.const 0) @k @v)) (i32.const 1))
      (func (export "proxy_on_request_body") (param i32 i32 i32) (result i32) (call $rec (i32.const 3) (i32.const 1)) (i32.const 0))
      (func (export "proxy_on_foreign_function") (param $root i32) (param i32 i32)
        (drop (call $proxy_set_effective_context (i32.const 2))) (drop (call $proxy_continue_stream (i32.const 0))))`,
        { k: "x-evil", v: "a\r\nb" },
      ),
    );
    const plugin = vm.startPlugin();
    const stream = plugin.newHttpStream();
    expect(stream.requestHeaders(GET)).toBe(1);
    expect(stream.requestBody("held", true)).toBeNull();
    plugin.callForeignFunction(0);
    expect(stream.localResponse?.status).toBe(503);
    expect(slot(vm, 3)).toBe(0);
  });

  it("valid bytes pass: HTAB and obs-text in a value, every token character in a name", async () => {
    const { stream } = await adding("request", "x-!#$%&'*+-.^_`|~09AZaz", "a\tb \u00e9");
    stream.requestHeaders(GET, { endOfStream: true });
    expect(stream.localResponse).toBeNull();
    expect(stream.requestHeadersForwarded).toBe(true);
  });

  it("a response header with CR LF is kept as the filter set it (Envoy checks only what goes upstream)", async () => {
    const { vm, stream } = await adding("response", "x-evil", "a\r\nb");
    stream.requestHeaders(GET, { endOfStream: true });
    stream.responseHeaders([[":status", "200"]], { endOfStream: true });
    expect(slot(vm, 1)).toBe(0);
    expect(stream.responseHeader("x-evil")).toBe("a\r\nb");
    expect(stream.localResponse).toBeNull();
  });
});

describe("Envoy's header character rules", () => {
  it("names: tokens, pseudo-headers as ':' and a token; values: no control character but HTAB", () => {
    expect([":path", "x-a", "X-Mixed-Case", "a_b", ""].every(headerNameIsValid)).toBe(true);
    expect([":", "a:b", "a b", "é", "a\u007f", "a\tb"].some(headerNameIsValid)).toBe(false);
    expect(["", "a b", "\t", "~", "\u0080\u00ff"].every(headerValueIsValid)).toBe(true);
    for (let c = 0; c < 0x20; c++)
      if (c !== 9) expect(headerValueIsValid(`a${String.fromCharCode(c)}`), `0x${c.toString(16)}`).toBe(false);
    expect(headerValueIsValid("\u007f")).toBe(false);
    expect(
      invalidRequestHeader([
        [":path", "/"],
        ["ok", "1"],
      ]),
    ).toBeNull();
  });
});
