// Memory over many stream lifecycles: for every example, linear memory after N and after 10 × N
// random streams (seeded; fixed body sizes, no 1-2 MiB bodies) is the same. The quick version;
// `node test/reliability/soak.mjs` runs 10,000 against 1,000,000.
import { describe, expect, it } from "vitest";
// @ts-expect-error plain JS module shared with soak.mjs
import * as driver from "./driver.mjs";

const FIRST = 2_000;
const THEN = 20_000;
const examples = driver.listExamples();

describe(`memory after ${FIRST} and after ${THEN} stream lifecycles`, () => {
  it.each(examples.map((e: any) => [e.name, e]))("%s: no growth", async (_name, example: any) => {
    const env = await driver.fresh(example, { record: false });
    const stats = new driver.Stats();
    driver.runTraffic(env, { seed: 5, count: FIRST, large: false, stats, deletedCallbacks: 0 });
    const after = env.vm.memoryBytes;
    driver.runTraffic(env, { seed: 6, count: THEN - FIRST, large: false, stats, deletedCallbacks: 0 });
    expect(stats.traps, stats.problems.join("\n")).toBe(0);
    expect(env.vm.memoryBytes).toBe(after);
  });
});
