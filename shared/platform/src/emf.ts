import type { Registry } from 'prom-client';

/** CloudWatch allows at most 30 dimensions per metric; our label sets stay far below. */
const MAX_DIMENSIONS = 30;

/** prom-client's default process metrics: Lambda reports CPU and memory itself. */
const RUNTIME_METRIC = /^(process|nodejs)_/;

interface CounterSample {
  labels: Record<string, string | number>;
  value: number;
}

/**
 * Writes the counters of a Prometheus registry as CloudWatch Embedded Metric Format lines (one
 * JSON object per counter and label set, holding what was counted since the last flush). In a
 * Lambda nobody scrapes `/metrics`, but CloudWatch Logs turns these lines into metrics: the
 * Lambda entry flushes after every invocation when METRICS_EMF_NAMESPACE is set. Labels become
 * dimensions; a flush with nothing new writes nothing. The default process metrics are left out.
 *
 * @example
 * const emf = new EmfExporter(metrics.registry, { namespace: 'FlowGenie/dev' });
 * await emf.flush(); // {"_aws":{...},"service":"trigger","outcome":"accepted","trigger_hooks_received_total":3}
 */
export class EmfExporter {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly registry: Registry,
    private readonly opts: {
      namespace: string;
      write?: (line: string) => void;
      now?: () => number;
    },
  ) {}

  async flush(): Promise<number> {
    const write = this.opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
    const timestamp = (this.opts.now ?? Date.now)();
    let written = 0;
    for (const metric of await this.registry.getMetricsAsJSON()) {
      if (String(metric.type) !== 'counter' || RUNTIME_METRIC.test(metric.name)) continue;
      for (const sample of metric.values as CounterSample[]) {
        const labels = Object.fromEntries(
          Object.entries(sample.labels).map(([k, v]) => [k, String(v)]),
        );
        const key = `${metric.name}${JSON.stringify(Object.entries(labels).sort())}`;
        const delta = sample.value - (this.seen.get(key) ?? 0);
        this.seen.set(key, sample.value);
        if (delta <= 0) continue;
        const dimensions = Object.keys(labels).sort().slice(0, MAX_DIMENSIONS);
        write(
          JSON.stringify({
            _aws: {
              Timestamp: timestamp,
              CloudWatchMetrics: [
                {
                  Namespace: this.opts.namespace,
                  Dimensions: [dimensions],
                  Metrics: [{ Name: metric.name, Unit: 'Count' }],
                },
              ],
            },
            ...labels,
            [metric.name]: delta,
          }),
        );
        written += 1;
      }
    }
    return written;
  }
}
