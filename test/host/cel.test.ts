// The emulator's CEL (host/wasm/cel.ts, over @marcbachmann/cel-js) against the sample of CEL
// behaviour in cel-cases.mjs, and at the byte level through Envoy's expr_* foreign functions.
import { describe, expect, it } from "vitest";
import { ForeignStatus, Host, Status } from "../../host/index.js";
import { compileCel, evaluateCel } from "../../host/wasm/cel.js";
import { attributeLookup, CASES, ERROR, neutral } from "./cel-cases.mjs";
import { wat } from "./wat.js";

/** Where the library differs from cel-cpp (docs/testing.md lists them). */
const KNOWN_DIFFERENCES = ["[].all(x, x > 0)", "{'a': 1, 'a': 2}", "has({'a': 1}.a)"];

function run(expr: string): unknown {
  try {
    return neutral(evaluateCel(compileCel(expr), attributeLookup));
  } catch {
    return ERROR;
  }
}

describe("CEL as Envoy's expressions use it", () => {
  it(`passes the sample (${CASES.length} cases) but for the known differences`, () => {
    const failed = CASES.filter(([expr, want]) => JSON.stringify(run(expr)) !== JSON.stringify(want)).map(
      ([expr]) => expr,
    );
    expect(failed).toEqual(KNOWN_DIFFERENCES);
  });

  it("a syntax error or an expression past cel-cpp's limits fails at compile time", () => {
    expect(() => compileCel("1 +")).toThrow();
    expect(() => compileCel("(".repeat(300) + "1" + ")".repeat(300))).toThrow();
    expect(() => compileCel("1" + " + 1".repeat(30_000))).toThrow(/100000 code points/);
    expect(run("(".repeat(200) + "1" + ")".repeat(200))).toEqual({ int: "1" });
    // No limit on list sizes (cel-cpp has none).
    expect(run(`size([${Array(5_000).fill("1").join(", ")}])`)).toEqual({ int: "5000" });
  });

  it("type errors surface when evaluating, as cel-cpp (which does not type-check) reports them", () => {
    const compiled = compileCel("1 + 1u");
    expect(() => evaluateCel(compiled, attributeLookup)).toThrow();
  });
});

// Pauses in the request headers, so the request map stays where Envoy's context points at it.
const PAUSING = wat(
  `(func (export "proxy_on_request_headers") (param i32) (param i32) (param i32) (result i32) (i32.const 1))`,
);

describe("expr_create / expr_evaluate over a stream's attributes", () => {
  async function evaluator() {
    const host = new Host();
    const vm = await host.loadVm(PAUSING);
    const s = vm.startPlugin().newHttpStream();
    s.requestHeaders([
      [":method", "POST"],
      [":path", "/api/items?id=7"],
      ["x-tenant", "acme"],
      ["content-length", "12"],
    ]);
    const info = { vmId: "", contextId: s.id, context: s };
    const create = host.foreignFunctions.get("expr_create")!,
      evaluate = host.foreignFunctions.get("expr_evaluate")!;
    return {
      host,
      s,
      eval: (src: string) => {
        const token = create(new TextEncoder().encode(src), info);
        return token instanceof ForeignStatus ? token : evaluate(token, info);
      },
    };
  }
  const i64 = (b: unknown) => new DataView((b as Uint8Array).buffer, (b as Uint8Array).byteOffset).getBigInt64(0, true);

  it("reads request.*, source.*, connection.*, xds.* as Envoy types them", async () => {
    const { eval: ev } = await evaluator();
    expect(ev("request.method == 'POST' && request.headers['x-tenant'] == 'acme'")).toEqual(Uint8Array.of(1));
    expect(i64(ev("request.size + 1"))).toBe(13n);
    expect(i64(ev("source.port"))).toBe(52000n);
    expect(ev("connection.id > 0u")).toEqual(Uint8Array.of(1));
    expect(new TextDecoder().decode(ev("xds.node.id") as Uint8Array)).toBe("envoy-emulator");
    expect(ev("request.headers.exists(k, k.startsWith('x-'))")).toEqual(Uint8Array.of(1));
    expect(i64(ev("request.time"))).toBe(1_704_067_200_000_000_000n);
  });

  it("statuses: a syntax error BAD_ARGUMENT, an evaluation error INTERNAL_FAILURE, null SERIALIZATION_FAILURE", async () => {
    const { eval: ev } = await evaluator();
    expect(ev("1 +")).toEqual(new ForeignStatus(Status.BAD_ARGUMENT));
    expect(ev("request.missing + 1")).toEqual(new ForeignStatus(Status.INTERNAL_FAILURE));
    expect(ev("1 / 0")).toEqual(new ForeignStatus(Status.INTERNAL_FAILURE));
    expect(ev("null")).toEqual(new ForeignStatus(Status.SERIALIZATION_FAILURE));
  });

  it("lists and maps serialize as Envoy's serializeValue: pairs of serialized keys and values", async () => {
    const { eval: ev } = await evaluator();
    const list = ev("['a', 'b']") as Uint8Array;
    expect([...list]).toEqual([2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x61, 0, 0, 0x62, 0, 0]);
    const m = ev("{'n': 1}") as Uint8Array;
    // key "n", value the 8-byte little-endian int 1
    expect([...m]).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0, 0x6e, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("a property the test removed is not there for an expression either", async () => {
    const { s, eval: ev } = await evaluator();
    s.setProperty("xds.route_name", undefined);
    expect(ev("has(xds.route_name)")).toEqual(Uint8Array.of(0));
    expect(ev("has(xds.cluster_name)")).toEqual(Uint8Array.of(1));
  });
});
