// The targets of issue 6, checked against the measured values. Each: what, the measured value,
// the limit, pass/fail, and by how much a missed one misses.
import { OTHER_SDKS } from "./contenders.mjs";

const KIB = 1024;

export function evaluateTargets({ timings, coldStart, sizes, memory }) {
  const targets = [];
  for (const id of ["lifecycle-10", "lifecycle-100"]) {
    const ratio = timings[id].ours.median / timings[id].floor.median;
    targets.push({
      what: `full stream lifecycle (${id.split("-")[1]} headers) at most 1.25× the floor`,
      measured: `${ratio.toFixed(2)}×`,
      pass: ratio <= 1.25,
      miss:
        ratio > 1.25
          ? `${((ratio / 1.25 - 1) * 100).toFixed(0)}% over the limit (${(timings[id].ours.median - 1.25 * timings[id].floor.median).toFixed(0)} ns/stream too many)`
          : "",
    });
  }
  const workloads = [...Object.entries(timings).map(([id, t]) => ({ id, t })), { id: "cold start", t: coldStart }];
  for (const sdk of OTHER_SDKS) {
    // bound: the speed-up a zero-cost SDK (the floor) would have over this SDK in this host.
    // Where the bound is under 2×, no SDK can meet the target in this host: that workload's
    // timing is kept as information, not judged (issue 20).
    const speedups = workloads.map(({ id, t }) => ({
      id,
      x: t[sdk.id].median / t.ours.median,
      bound: t[sdk.id].median / t.floor.median,
    }));
    const judged = speedups.filter((s) => s.bound >= 2);
    const outOfReach = speedups.filter((s) => s.bound < 2);
    const missed = judged.filter((s) => s.x < 2);
    targets.push({
      what: `at least 2× faster than ${sdk.label} on every workload where the floor is`,
      measured: judged.length
        ? judged.map((s) => `${s.id} ${s.x.toFixed(2)}×`).join(", ")
        : "no workload: the floor is under 2× on all",
      pass: missed.length === 0,
      miss: missed.length
        ? `missed on ${missed.map((s) => `${s.id} (${s.x.toFixed(2)}×; the floor ${s.bound.toFixed(2)}×)`).join(", ")}`
        : "",
    });
    if (outOfReach.length) {
      targets.push({
        info: true,
        what: `${sdk.label}: timings where even the floor is under 2× in this host (information, not a target)`,
        measured: outOfReach.map((s) => `${s.id} ours ${s.x.toFixed(2)}× (floor ${s.bound.toFixed(2)}×)`).join(", "),
        pass: true,
        miss: "",
      });
    }
  }
  const hello = sizes.examples.find((e) => e.name === "hello-world")?.bytes ?? NaN;
  targets.push({
    what: "hello-world at most 8 KiB (8,192 bytes)",
    measured: `${hello.toLocaleString("en")} bytes`,
    pass: hello <= 8 * KIB,
    miss: hello > 8 * KIB ? `${(hello - 8 * KIB).toLocaleString("en")} bytes over` : "",
  });
  const ours = sizes.contenders.find((c) => c.id === "ours")["add-header"];
  const smallest = Math.min(...OTHER_SDKS.map((s) => sizes.contenders.find((c) => c.id === s.id)["add-header"]));
  targets.push({
    what: "add-header filter at most half the smallest other SDK's",
    measured: `${ours.toLocaleString("en")} bytes = ${(ours / smallest).toFixed(2)}× of ${smallest.toLocaleString("en")}`,
    pass: ours <= smallest / 2,
    miss: ours > smallest / 2 ? `${(ours - Math.floor(smallest / 2)).toLocaleString("en")} bytes over` : "",
  });
  targets.push({
    what: `zero memory growth (examples/${memory.example}, ${memory.first.toLocaleString("en")} vs ${memory.total.toLocaleString("en")} streams)`,
    measured: `${memory.afterFirst.toLocaleString("en")} → ${memory.afterTotal.toLocaleString("en")} bytes`,
    pass: !memory.grew,
    miss: memory.grew ? `grew by ${(memory.afterTotal - memory.afterFirst).toLocaleString("en")} bytes` : "",
  });
  return targets;
}
