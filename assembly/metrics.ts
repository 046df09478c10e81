// Metrics: counters, gauges and histograms, defined once by name and kept by the host.
// Proxies have no label API, so tags are encoded into the name as `key=.=value;.;` segments
// (the form Istio uses); Envoy's `stats_config.stats_tags` turns each back into a label with
// the regex `(key=\.=(.*?);\.;)` (see docs/concepts.md).
import { proxy_define_metric, proxy_get_metric, proxy_increment_metric, proxy_record_metric } from "./abi/imports";
import { checkHostStatus } from "./runtime/host-error";
import { RESULT_PTR, RESULT_U64 } from "./runtime/memory";
import { MetricType, Status } from "./types";

/** A tag to encode into a metric name. */
export class MetricTag {
  constructor(public readonly key: string, public readonly value: string) {}
}

/** `name` followed by its tags in the `key=.=value;.;` encoding. */
export function metricName(name: string, tags: MetricTag[]): string {
  let encoded = name;
  for (let i = 0; i < tags.length; i++) {
    const tag = unchecked(tags[i]);
    encoded += (i == 0 ? "." : "") + tag.key + "=.=" + tag.value + ";.;";
  }
  return encoded;
}

function defineMetric(type: MetricType, name: string): u32 {
  const nameBytes = String.UTF8.encode(name);
  store<u32>(RESULT_PTR, 0);
  const status = checkHostStatus("define metric " + name,
    proxy_define_metric(type, changetype<usize>(nameBytes), <usize>nameBytes.byteLength, RESULT_PTR));
  return status == Status.Ok ? load<u32>(RESULT_PTR) : 0;
}

/** Metric ids are never 0 in Envoy; 0 marks a metric the host refused to define. */
class Metric {
  constructor(public readonly id: u32, public readonly name: string) {}

  /** Whether the host defined this metric. */
  get defined(): bool { return this.id != 0; }

  /** The current value (0 when the host cannot say). */
  get(): u64 {
    store<u64>(RESULT_U64, 0);
    const status = proxy_get_metric(this.id, RESULT_U64);
    if (status != 0) checkHostStatus("get metric " + this.name, status); // the label only when it may be logged
    return load<u64>(RESULT_U64);
  }
}

/** A monotonically increasing count. */
export class Counter extends Metric {
  static define(name: string, tags: MetricTag[] = []): Counter {
    const fullName = metricName(name, tags);
    return new Counter(defineMetric(MetricType.Counter, fullName), fullName);
  }

  increment(by: u64 = 1): Status {
    return <Status>checkHostStatus("increment metric", proxy_increment_metric(this.id, <i64>by));
  }
}

/** A value that goes up and down. */
export class Gauge extends Metric {
  static define(name: string, tags: MetricTag[] = []): Gauge {
    const fullName = metricName(name, tags);
    return new Gauge(defineMetric(MetricType.Gauge, fullName), fullName);
  }

  set(value: u64): Status {
    return <Status>checkHostStatus("record metric", proxy_record_metric(this.id, value));
  }

  add(offset: i64): Status {
    return <Status>checkHostStatus("increment metric", proxy_increment_metric(this.id, offset));
  }
}

/** A distribution of recorded values. */
export class Histogram extends Metric {
  static define(name: string, tags: MetricTag[] = []): Histogram {
    const fullName = metricName(name, tags);
    return new Histogram(defineMetric(MetricType.Histogram, fullName), fullName);
  }

  record(value: u64): Status {
    return <Status>checkHostStatus("record metric", proxy_record_metric(this.id, value));
  }
}
