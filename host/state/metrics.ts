// Metrics as Envoy's wasm stats behave: counters only go up, gauges are set or moved,
// histograms record values (and cannot be read back through the ABI).
import { METRIC_TYPE_NAMES, type MetricTypeName, Status } from "../wasm/abi.js";

export interface MetricView {
  name: string;
  type: MetricTypeName;
  /** Counter/gauge value; for a histogram the last recorded value (0 if none). */
  value: bigint;
  /** Every value recorded into a histogram, oldest first. */
  values: bigint[];
}

interface Metric extends MetricView {
  id: number;
}

export class Metrics {
  private readonly byName = new Map<string, Metric>();
  private readonly byId = new Map<number, Metric>();
  private seq = 1;

  define(type: number, name: string): { status: number; id?: number } {
    if (!Number.isInteger(type) || type < 0 || type > 2) return { status: Status.BAD_ARGUMENT };
    const t = METRIC_TYPE_NAMES[type];
    const cur = this.byName.get(name);
    if (cur) return cur.type === t ? { status: Status.OK, id: cur.id } : { status: Status.BAD_ARGUMENT };
    // Ids are opaque to the module; Envoy packs the type in the low bits, so do we.
    const id = (this.seq++ << 2) | type;
    const m: Metric = { id, name, type: t, value: 0n, values: [] };
    this.byName.set(name, m);
    this.byId.set(id, m);
    return { status: Status.OK, id };
  }

  record(id: number, value: bigint): number {
    const m = this.byId.get(id >>> 0);
    if (!m) return Status.NOT_FOUND;
    value = BigInt.asUintN(64, value);
    if (m.type === "counter")
      m.value += value; // Envoy adds for counters
    else if (m.type === "gauge") m.value = value;
    else {
      m.value = value;
      m.values.push(value);
    }
    return Status.OK;
  }

  increment(id: number, delta: bigint): number {
    const m = this.byId.get(id >>> 0);
    if (!m) return Status.NOT_FOUND;
    if (m.type === "histogram") return Status.BAD_ARGUMENT;
    // Envoy's incrementMetric takes only a positive offset for a counter (0 included: BAD_ARGUMENT).
    if (m.type === "counter" && delta <= 0n) return Status.BAD_ARGUMENT;
    m.value += delta;
    return Status.OK;
  }

  read(id: number): { status: number; value?: bigint } {
    const m = this.byId.get(id >>> 0);
    if (!m) return { status: Status.NOT_FOUND };
    if (m.type === "histogram") return { status: Status.BAD_ARGUMENT };
    return { status: Status.OK, value: m.value };
  }

  /** Test API. */
  get(name: string): MetricView | undefined {
    const m = this.byName.get(name);
    return m && { name: m.name, type: m.type, value: m.value, values: [...m.values] };
  }

  list(): MetricView[] {
    return [...this.byName.keys()].map((n) => this.get(n)!);
  }
}
