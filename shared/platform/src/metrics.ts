import { Registry, collectDefaultMetrics, Histogram, Counter, Gauge } from 'prom-client';

/**
 * One Prometheus registry per process, with default Node metrics and the HTTP request histogram.
 * Exposed on the service's internal `/metrics` endpoint, which the gateway never routes.
 */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    registry,
    httpDuration,
    histogram: <L extends string>(
      name: string,
      help: string,
      labelNames: L[],
      buckets?: number[],
    ) => new Histogram({ name, help, labelNames, buckets, registers: [registry] }),
    counter: <L extends string>(name: string, help: string, labelNames: L[]) =>
      new Counter({ name, help, labelNames, registers: [registry] }),
    gauge: <L extends string>(
      name: string,
      help: string,
      labelNames: L[],
      collect?: (this: Gauge<L>) => void | Promise<void>,
    ) => new Gauge({ name, help, labelNames, registers: [registry], collect }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
