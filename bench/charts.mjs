// Line charts of the instruction matrix as standalone SVG (docs/performance-*.svg): one line per
// contender, logarithmic axes when the values span decades. Hand-written: the charts are a few
// polylines, and a plotting library would bring a browser or a canvas into the bench.

const COLORS = { floor: "#7f7f7f", ours: "#1f77b4", rust: "#d62728", gcore: "#2ca02c", solo: "#9467bd" };
const W = 640;
const H = 360;
const M = { left: 70, right: 150, top: 40, bottom: 50 };

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const fmt = (v) =>
  v >= 1e6 ? `${+(v / 1e6).toFixed(1)}M` : v >= 1e3 ? `${+(v / 1e3).toFixed(1)}k` : `${+v.toFixed(v < 10 ? 1 : 0)}`;

/** The axis of `values`: a log scale (log10) when they span more than a decade and are all > 0. */
function axis(values, length, forceLinear = false) {
  const positive = values.filter((v) => v > 0);
  const lo = Math.min(...positive);
  const hi = Math.max(...values);
  const log = !forceLinear && positive.length === values.length && hi / lo > 20;
  if (log) {
    const a = Math.floor(Math.log10(lo));
    const b = Math.ceil(Math.log10(hi));
    const ticks = [];
    for (let e = a; e <= b; e++) ticks.push(10 ** e);
    return { at: (v) => ((Math.log10(v) - a) / (b - a || 1)) * length, ticks, log };
  }
  const top = hi * 1.1 || 1;
  const step = 10 ** Math.floor(Math.log10(top / 4));
  const unit = [1, 2, 5, 10].map((k) => k * step).find((s) => top / s <= 6);
  const ticks = [];
  for (let t = 0; t <= top; t += unit) ticks.push(t);
  return { at: (v) => (v / ticks[ticks.length - 1]) * length, ticks, log };
}

/**
 * `series`: [{ id, label, points: [[x, y], ...] }] (a missing contender is simply absent). The x
 * axis labels every x value given (they are few: the matrix's sizes); `xCategorical` spaces them
 * evenly (for 0, 1, 6, 17, ... bytes, where a log axis has no place for 0).
 */
export function lineChart({ title, xLabel, yLabel, series, xCategorical = false, xFormat = fmt }) {
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const xs = [...new Set(series.flatMap((s) => s.points.map(([x]) => x)))].sort((a, b) => a - b);
  const ys = series.flatMap((s) => s.points.map(([, y]) => y));
  const xAt = xCategorical ? (x) => (xs.indexOf(x) / Math.max(1, xs.length - 1)) * plotW : axis(xs, plotW).at;
  const y = axis(ys, plotH);
  const px = (x) => (M.left + xAt(x)).toFixed(1);
  const py = (v) => (M.top + plotH - y.at(v)).toFixed(1);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
  ];
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${M.left}" y="20" font-size="14">${esc(title)}</text>`);
  for (const t of y.ticks) {
    out.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${py(t)}" y2="${py(t)}" stroke="#ddd"/>`);
    out.push(`<text x="${M.left - 6}" y="${(+py(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`);
  }
  for (const x of xs)
    out.push(`<text x="${px(x)}" y="${M.top + plotH + 16}" text-anchor="middle">${esc(xFormat(x))}</text>`);
  out.push(`<text x="${M.left + plotW / 2}" y="${H - 12}" text-anchor="middle">${esc(xLabel)}</text>`);
  out.push(
    `<text transform="translate(16 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}${y.log ? " (log scale)" : ""}</text>`,
  );
  series.forEach((s, i) => {
    const color = COLORS[s.id] ?? "#000";
    const pts = s.points.filter(([, v]) => !y.log || v > 0);
    out.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map(([x, v]) => `${px(x)},${py(v)}`).join(" ")}"/>`,
    );
    for (const [x, v] of pts)
      out.push(
        `<circle cx="${px(x)}" cy="${py(v)}" r="3" fill="${color}"><title>${esc(`${s.label}: ${fmt(x)} → ${Math.round(v).toLocaleString("en-US")}`)}</title></circle>`,
      );
    const ly = M.top + 14 + i * 18;
    out.push(
      `<line x1="${W - M.right + 12}" x2="${W - M.right + 32}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"/>`,
    );
    out.push(`<text x="${W - M.right + 38}" y="${ly}">${esc(s.label)}</text>`);
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}

const bytes = (v) => (v >= 1024 * 1024 ? `${v / 1024 / 1024} MiB` : v >= 1024 ? `${v / 1024} KiB` : `${v}`);

/**
 * The three charts of docs/performance.md from a matrix result: { file name: SVG }. They show
 * ours, the Rust SDK and the floor (the other SDKs, tens of times dearer, are in the tables).
 */
export function matrixCharts(results, contenders, points) {
  const shown = contenders.filter((c) => ["floor", "ours", "rust"].includes(c.id));
  const series = (family, value) =>
    shown
      .map((c) => ({
        id: c.id,
        label: c.label,
        points: points
          .filter((p) => p.family === family && results[p.id]?.[c.id])
          .map((p) => [p.x, value(results[p.id][c.id], p)]),
      }))
      .filter((s) => s.points.length > 0);
  return {
    "performance-add-header.svg": lineChart({
      title: "add-header: instructions per stream vs :path length",
      xLabel: ":path length (bytes; evenly spaced)",
      yLabel: "instructions per stream",
      series: series("add-header", (r) => r.mean),
      xCategorical: true,
      xFormat: bytes,
    }),
    "performance-headers.svg": lineChart({
      title: "Read every request header, add one: instructions per stream",
      xLabel: "request headers",
      yLabel: "instructions per stream",
      series: series("headers-all", (r) => r.mean),
    }),
    "performance-body.svg": lineChart({
      title: "Body read, upper-cased in place, written back: instructions per byte",
      xLabel: "body bytes (16 KiB chunks)",
      yLabel: "instructions per body byte",
      series: series("body-in-place", (r, p) => r.mean / p.bytes),
      xFormat: bytes,
    }),
  };
}
