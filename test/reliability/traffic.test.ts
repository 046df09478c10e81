// Random traffic through every example (seeded): random header maps, bodies in random chunks
// (empty ones, 1-2 MiB ones), trailers, streams ended at every step, interleaved streams, calls
// answered, failed, timed out or answered after their stream is gone, callbacks for deleted
// contexts, ticks. No trap, no critical log, no stream left paused without a pending call
// (postpone-requests holds requests until its tick on purpose: the driver ticks, then checks).
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error plain JS module shared with soak.mjs
import * as driver from "./driver.mjs";

const STREAMS = Number(process.env.RELIABILITY_STREAMS ?? 1500); // more: RELIABILITY_STREAMS, or npm run soak
const examples: { name: string }[] = driver.listExamples();
const total = new driver.Stats();
afterAll(() => {
  const { problems: _p, ...figures } = total;
  console.log(`traffic: ${examples.length} examples, ${JSON.stringify(figures)}`);
});

describe("random traffic through every example", () => {
  it("finds the examples with a build", () => {
    expect(examples.length).toBeGreaterThan(10);
  });

  it.each(examples.map((e) => [e.name, e] as const))(
    `%s: ${STREAMS} random streams, three seeds`,
    async (name, example) => {
      for (const seed of [1, 2, 3]) {
        const env = await driver.fresh(example);
        const stats = driver.runTraffic(env, { seed, count: STREAMS / 3, concurrency: 1 + seed });
        for (const k of Object.keys(total)) if (typeof stats[k] === "number") total[k] += stats[k];
        const why = `${name} seed ${seed}:\n${stats.problems.join("\n")}`;
        expect(stats.traps, why).toBe(0);
        expect(stats.stuck, why).toBe(0);
        expect(stats.problems, why).toEqual([]);
        expect(env.host.logsAt("critical"), why).toEqual([]);
        expect(stats.streams).toBe(STREAMS / 3);
        if (!env.tcp) expect(stats.endedEarly).toBeGreaterThan(0);
      }
    },
  );
});
