// Timing: batches sized to a target duration, contenders interleaved round by round (the order
// rotates each round, so drift, GC and thermal effects fall on all alike), medians reported.

/** ns per iteration of `run(n)` over one batch. */
export function sample(run, n) {
  const t0 = process.hrtime.bigint();
  run(n);
  return Number(process.hrtime.bigint() - t0) / n;
}

/** Runs `run` for about `ms` milliseconds; returns a batch size that takes about `targetMs`. */
export function warmUp(run, ms, targetMs) {
  let n = 1;
  let perIteration = sample(run, n);
  const end = Date.now() + ms;
  while (Date.now() < end) {
    n = Math.min(n * 2, 1 << 20);
    perIteration = sample(run, n);
  }
  return Math.max(1, Math.round((targetMs * 1e6) / perIteration));
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median and the spread of the middle half (interquartile range over the median). */
export function summarize(values) {
  const s = [...values].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
  const med = median(s);
  return { median: med, spread: med > 0 ? (q(0.75) - q(0.25)) / med : 0, runs: s.length };
}

/**
 * Times every entry ({ id, run }) in `rounds` rounds of one batch each, interleaved.
 * Returns { [id]: { median, spread, runs } } in ns per iteration.
 */
export function interleave(entries, { rounds, warmupMs, batchMs }) {
  const batches = new Map(entries.map((e) => [e.id, warmUp(e.run, warmupMs, batchMs)]));
  const samples = new Map(entries.map((e) => [e.id, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < entries.length; k++) {
      const e = entries[(r + k) % entries.length];
      samples.get(e.id).push(sample(e.run, batches.get(e.id)));
    }
  }
  return Object.fromEntries(entries.map((e) => [e.id, summarize(samples.get(e.id))]));
}
