// Host options and clock calls a test gets wrong fail at once, naming the option (issue 24.4):
// before, memoryLimitBytes 1e15 surfaced as the compiler's "extra bits in varint", loopLimit
// NaN meant no limit, loopLimit -5 failed every callback and advanceTime(-1) ran the clock back.
import { describe, expect, it } from "vitest";
import { Host, type HostOptions } from "../../host/index.js";
import { wat } from "../host/wat.js";

const EMPTY = wat("");

describe("Host options are checked at construction", () => {
  const wrong: [string, unknown, ErrorConstructor, RegExp][] = [
    [
      "memoryLimitBytes",
      1e15,
      RangeError,
      /memoryLimitBytes must be a whole number from 65536 to 4294967296, got 1000000000000000/,
    ],
    ["memoryLimitBytes", -1, RangeError, /memoryLimitBytes .* got -1/],
    ["memoryLimitBytes", 1000.5, RangeError, /memoryLimitBytes .* got 1000.5/],
    ["memoryLimitBytes", NaN, RangeError, /memoryLimitBytes .* got NaN/],
    ["memoryLimitBytes", "64MiB", TypeError, /memoryLimitBytes must be a number, got "64MiB"/],
    ["loopLimit", -5, RangeError, /loopLimit must be a whole number from 1 to 9007199254740991, got -5/],
    ["loopLimit", NaN, RangeError, /loopLimit .* got NaN/],
    ["loopLimit", 0, RangeError, /loopLimit .* got 0/],
    ["loopLimit", 2.5, RangeError, /loopLimit .* got 2.5/],
    ["loopLimit", Infinity, RangeError, /loopLimit .* got Infinity/],
    ["bufferLimitBytes", 0, RangeError, /bufferLimitBytes must be a whole number from 1 to 4294967295, got 0/],
    ["bufferLimitBytes", 2 ** 32, RangeError, /bufferLimitBytes .* got 4294967296/],
    ["bufferLimitBytes", 10n, TypeError, /bufferLimitBytes must be a number, got 10n/],
    ["maxModuleBytes", -1, RangeError, /maxModuleBytes .* got -1/],
    ["maxModuleBytes", 2 ** 31, RangeError, /maxModuleBytes must be a whole number from 8 to 1073741824/],
    ["now", -1n, RangeError, /now must be from 0 to 18446744073709551615, got -1/],
    ["now", 2n ** 64n, RangeError, /now must be from 0/],
    ["now", 1704067200000, TypeError, /now must be a bigint, got 1704067200000/],
    ["logLevel", "verbose", RangeError, /logLevel must be one of trace, debug, info, warn, error, critical/],
    ["logLevel", 9, RangeError, /logLevel must be a whole number from 0 to 5, got 9/],
    ["record", "no", TypeError, /record must be true or false, got "no"/],
    ["echoLogs", 1, TypeError, /echoLogs must be true or false, got 1/],
    ["clusters", "backend", TypeError, /clusters must be an array of strings, got "backend"/],
    ["clusters", [1], TypeError, /clusters must be an array of strings, got an array/],
    ["env", { A: 1 }, TypeError, /env must be an object of string values, got an object/],
    ["faults", 5, TypeError, /faults must be an object/],
  ];
  for (const [option, value, type, message] of wrong) {
    const shown =
      typeof value === "bigint" ? `${value}n` : typeof value === "number" ? String(value) : JSON.stringify(value);
    it(`${option}: ${shown}`, () => {
      const make = () => new Host({ [option]: value } as HostOptions);
      expect(make).toThrow(type);
      expect(make).toThrow(message);
    });
  }

  it("a misspelt option is refused, naming it and the known ones", () => {
    expect(() => new Host({ loopLimt: 5 } as HostOptions)).toThrow(TypeError);
    expect(() => new Host({ loopLimt: 5 } as HostOptions)).toThrow(
      /unknown option "loopLimt" \(known: now, logLevel, .*loopLimit/,
    );
  });

  it("the edges of each range are accepted, and undefined keeps the default", async () => {
    const host = new Host({
      memoryLimitBytes: 65536,
      loopLimit: 1,
      bufferLimitBytes: 0xffff_ffff,
      maxModuleBytes: 8,
      now: 0n,
      logLevel: 5,
      clusters: [],
      env: {},
      record: false,
      echoLogs: false,
    });
    expect([host.loopLimit, host.bufferLimitBytes, host.maxModuleBytes, host.now, host.logLevel]).toEqual([
      1,
      0xffff_ffff,
      8,
      0n,
      5,
    ]);
    expect(new Host({ memoryLimitBytes: 4 * 1024 ** 3, loopLimit: undefined }).loopLimit).toBeUndefined();
    // A cap of exactly the module's two pages loads it.
    await expect(new Host({ memoryLimitBytes: 2 * 65536 }).loadVm(EMPTY)).resolves.toBeDefined();
  });
});

describe("advanceTime is checked at the call", () => {
  it("refuses negative, NaN, infinite and non-number steps, and leaves the clock where it was", () => {
    const host = new Host({ now: 1_000n });
    for (const [ms, type, message] of [
      [-1, RangeError, /advanceTime\(ms\) must be a finite number from 0 to .*, got -1/],
      [NaN, RangeError, /advanceTime\(ms\) .* got NaN/],
      [Infinity, RangeError, /advanceTime\(ms\) .* got Infinity/],
      ["5", TypeError, /advanceTime\(ms\) must be a number, got "5"/],
      [10n, TypeError, /advanceTime\(ms\) must be a number, got 10n/],
    ] as [unknown, ErrorConstructor, RegExp][]) {
      expect(() => host.advanceTime(ms as number)).toThrow(type);
      expect(() => host.advanceTime(ms as number)).toThrow(message);
    }
    expect(host.now).toBe(1_000n);
    host.advanceTime(0.5);
    expect(host.now).toBe(501_000n);
  });

  it("refuses a step that would carry the u64 nanosecond clock past 2^64 - 1", () => {
    const host = new Host({ now: 2n ** 64n - 1n - 1_000_000n });
    expect(() => host.advanceTime(2)).toThrow(RangeError);
    host.advanceTime(1);
    expect(host.now).toBe(2n ** 64n - 1n);
    expect(() => host.advanceTime(0.001)).toThrow(RangeError);
  });
});
