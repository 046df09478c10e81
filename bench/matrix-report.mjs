// The instruction matrix as Markdown: one table per workload family (mean per stream and the
// spread over the windows, per contender, and ours ÷ Rust), then peak linear memory and the
// bytes the host copied into the module.
import { FAMILIES, WINDOWS } from "./matrix.mjs";

const n = (v) => v.toLocaleString("en-US");
const NOT_AVAILABLE = "not available";

/** "1,234 (1,230–1,240)": the mean and, when they differ, the lowest and highest window. */
export function formatCount(r) {
  if (r === null) return NOT_AVAILABLE;
  return r.min === r.max ? n(r.mean) : `${n(r.mean)} (${n(r.min)}–${n(r.max)})`;
}

/** ours ÷ Rust at one point, or null when either is missing. */
export function ratio(results, a = "ours", b = "rust") {
  const x = results[a];
  const y = results[b];
  return x && y && y.mean > 0 ? x.mean / y.mean : null;
}

export function formatMatrix(results, contenders, points) {
  const out = [];
  for (const family of FAMILIES) {
    const rows = points.filter((p) => p.family === family.id && results[p.id]);
    if (rows.length === 0) continue;
    out.push(`#### ${family.title}`, "", `${family.unit}; mean of ${WINDOWS} windows (lowest–highest window)`, "");
    out.push(`| point | ${contenders.map((c) => c.label).join(" | ")} | ours ÷ Rust |`);
    out.push(`|---|${contenders.map(() => "---:").join("|")}|---:|`);
    for (const p of rows) {
      const r = ratio(results[p.id]);
      out.push(
        `| ${p.label} | ${contenders.map((c) => formatCount(results[p.id][c.id])).join(" | ")} | ${r === null ? "–" : `${r.toFixed(2)}x`} |`,
      );
    }
    out.push("");
  }
  out.push("#### Memory: peak linear memory (KiB) / bytes the host copied into the module per stream", "");
  out.push(`| point | ${contenders.map((c) => c.label).join(" | ")} |`);
  out.push(`|---|${contenders.map(() => "---:").join("|")}|`);
  for (const p of points) {
    if (!results[p.id]) continue;
    const cell = (r) => (r === null ? NOT_AVAILABLE : `${n(r.peakBytes / 1024)} / ${n(copiedBytes(r))}`);
    out.push(`| ${p.label} | ${contenders.map((c) => cell(results[p.id][c.id])).join(" | ")} |`);
  }
  return out.join("\n");
}

/** Bytes the host copied into the module per stream, all callbacks together. */
export function copiedBytes(r, callbacks = null) {
  return Object.entries(r.copiedPerCallback)
    .filter(([name]) => callbacks === null || callbacks.includes(name))
    .reduce((sum, [, bytes]) => sum + bytes, 0);
}
