import { createMetrics, EmfExporter } from '@flowgenie/platform';

describe('EmfExporter (counters as CloudWatch Embedded Metric Format)', () => {
  it('writes what each counter counted since the last flush, its labels as dimensions, and nothing when idle', async () => {
    // Arrange
    const metrics = createMetrics('trigger');
    const hooks = metrics.counter('trigger_hooks_received_total', 'hooks', ['outcome']);
    const lines: string[] = [];
    const emf = new EmfExporter(metrics.registry, {
      namespace: 'FlowGenie/dev',
      write: (line) => lines.push(line),
      now: () => 1_767_225_600_000,
    });

    // Act: three accepted and one rate-limited call, flushed; two more accepted, flushed; idle.
    hooks.inc({ outcome: 'accepted' }, 3);
    hooks.inc({ outcome: 'rate_limited' });
    await emf.flush();
    const first = lines.splice(0).map((l) => JSON.parse(l));
    hooks.inc({ outcome: 'accepted' }, 2);
    await emf.flush();
    const second = lines.splice(0).map((l) => JSON.parse(l));
    const idle = await emf.flush();

    // Assert
    expect(first).toEqual([
      {
        _aws: {
          Timestamp: 1_767_225_600_000,
          CloudWatchMetrics: [
            {
              Namespace: 'FlowGenie/dev',
              Dimensions: [['outcome', 'service']],
              Metrics: [{ Name: 'trigger_hooks_received_total', Unit: 'Count' }],
            },
          ],
        },
        service: 'trigger',
        outcome: 'accepted',
        trigger_hooks_received_total: 3,
      },
      expect.objectContaining({ outcome: 'rate_limited', trigger_hooks_received_total: 1 }),
    ]);
    expect(second).toEqual([
      expect.objectContaining({ outcome: 'accepted', trigger_hooks_received_total: 2 }),
    ]);
    expect(idle).toBe(0);
    expect(lines).toEqual([]);
  });
});
