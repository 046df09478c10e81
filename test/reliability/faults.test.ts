// Every example under injected faults (host/faults.ts): each host call it imports fails in turn
// with each error status, then random shares of all calls fail while HTTP/gRPC calls fail or
// time out. The filter must not trap, must end each stream with an outcome (forwarded, local
// response, or waiting on a call), and the SDK must log every non-ordinary status it got.
import { afterAll, describe, expect, it } from "vitest";
import { Status } from "../../host/index.js";
// @ts-expect-error plain JS module shared with soak.mjs
import * as driver from "./driver.mjs";

const STREAMS_PER_CALL = 40;
const RANDOM_STREAMS = 1500;
const STATUSES = [Status.NOT_FOUND, Status.BAD_ARGUMENT, Status.INTERNAL_FAILURE, Status.UNIMPLEMENTED];
const examples: { name: string }[] = driver.listExamples();
const totals = { faults: 0, streams: 0 };
afterAll(() =>
  console.log(
    `faults: ${totals.streams} streams through ${examples.length} examples, ${totals.faults} faults injected, 0 traps`,
  ),
);

function expectClean(
  name: string,
  stats: { traps: number; stuck: number; stuckAfterOtherFault: number; stuckAfterFault: number; problems: string[] },
  allowStuck: boolean,
) {
  expect(stats.traps, `${name}: ${stats.problems.join("\n")}`).toBe(0);
  expect(stats.stuck, `${name}: ${stats.problems.join("\n")}`).toBe(0);
  expect(stats.stuckAfterOtherFault, `${name}: ${stats.problems.join("\n")}`).toBe(0);
  if (!allowStuck) expect(stats.stuckAfterFault, name).toBe(0);
  expect(stats.problems, name).toEqual([]);
}

describe.each(examples.map((e) => [e.name, e] as const))("%s under faults", (name, example) => {
  it("each host call it uses failing with each status: no trap, an outcome for every stream, every error logged", async () => {
    const calls: string[] = (await driver.importedHostCalls(example)).filter((c: string) => c !== "proxy_log");
    for (const call of calls) {
      for (const status of STATUSES) {
        const env = await driver.fresh(example);
        const faults = env.host.injectFaults({ seed: status, rate: 1, calls: { [call]: [status] } })!;
        const stats = driver.runTraffic(env, {
          seed: 7 + status,
          count: STREAMS_PER_CALL,
          concurrency: 2,
          large: false,
        });
        const what = `${name} with ${call} answering ${status}`;
        expectClean(what, stats, driver.PAUSE_ENDING_CALLS.has(call));
        expect(driver.unloggedFaults(env.host), what).toEqual([]);
        expect(env.host.logsAt("critical"), what).toEqual([]);
        totals.faults += faults.injected;
        totals.streams += stats.streams;
      }
    }
  });

  it("plugin start with any one host call failing: started or refused, never a trap", async () => {
    const calls: string[] = (await driver.importedHostCalls(example)).filter((c: string) => c !== "proxy_log");
    for (const call of calls) {
      const env = await driver.fresh(example);
      env.host.injectFaults({ rate: 1, calls: { [call]: [Status.INTERNAL_FAILURE] } });
      const p = env.vm.startPlugin({ rootId: env.plugin.rootId, configuration: env.configuration });
      expect(typeof p.configured, `${name}: ${call}`).toBe("boolean");
      expect(env.vm.failure, `${name}: ${call}`).toBeNull();
    }
  });

  it(`random faults (5% of host calls; 20% of upstream calls fail, 10% time out) over ${RANDOM_STREAMS} streams`, async () => {
    const env = await driver.fresh(example);
    const faults = env.host.injectFaults({ seed: 11, rate: 0.05, upstream: { fail: 0.2, timeout: 0.1 } })!;
    const stats = driver.runTraffic(env, { seed: 12, count: RANDOM_STREAMS, large: false });
    expectClean(name, stats, true);
    expect(driver.unloggedFaults(env.host)).toEqual([]);
    expect(env.host.logsAt("critical")).toEqual([]);
    totals.faults += faults.injected + faults.upstreamFailures + faults.upstreamTimeouts;
    totals.streams += stats.streams;
  });
});
