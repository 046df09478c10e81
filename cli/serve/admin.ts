// `serve --admin HOST:PORT`: a small admin server like Envoy's. GET /stats (or
// /stats/prometheus) shows the filter's metrics in Prometheus text format; GET /ready says LIVE.
import http from "node:http";
import type { MetricView } from "../../host/index.js";

/** Envoy's default histogram buckets (ms-oriented), used for the Prometheus rendering. */
const BUCKETS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000,
];

/** A metric name as Prometheus accepts it: Envoy's wasm metrics (custom namespace) keep their name, sanitized. */
export function promName(name: string): string {
  const s = name.replace(/[^a-zA-Z0-9_:]/g, "_");
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

/** Renders metrics in the Prometheus text exposition format (version 0.0.4). */
export function prometheusText(metrics: MetricView[]): string {
  const out: string[] = [];
  for (const m of [...metrics].sort((a, b) => a.name.localeCompare(b.name))) {
    const n = promName(m.name);
    if (m.type !== "histogram") {
      // Gauges are unsigned 64-bit in the ABI; show a wrapped-around negative as such.
      const v = m.type === "gauge" ? BigInt.asIntN(64, m.value) : m.value;
      out.push(`# TYPE ${n} ${m.type}`, `${n}{} ${v}`);
      continue;
    }
    out.push(`# TYPE ${n} histogram`);
    const values = m.values.map(Number);
    for (const b of BUCKETS) out.push(`${n}_bucket{le="${b}"} ${values.filter((v) => v <= b).length}`);
    out.push(
      `${n}_bucket{le="+Inf"} ${values.length}`,
      `${n}_sum{} ${values.reduce((a, v) => a + v, 0)}`,
      `${n}_count{} ${values.length}`,
    );
  }
  return out.length ? `${out.join("\n")}\n` : "";
}

export function adminServer(metrics: () => MetricView[]): http.Server {
  return http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const send = (status: number, body: string, type = "text/plain; charset=utf-8") => {
      res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
      res.end(body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed\n");
    if (path === "/stats" || path === "/stats/prometheus")
      return send(200, prometheusText(metrics()), "text/plain; version=0.0.4; charset=utf-8");
    if (path === "/ready") return send(200, "LIVE\n");
    if (path === "/")
      return send(
        200,
        "proxy-wasm-as serve admin\n  /stats             the filter's metrics (Prometheus text)\n  /stats/prometheus  the same\n  /ready             LIVE\n",
      );
    send(404, `no admin endpoint ${path}\n`);
  });
}
