import { comparisonTable, cpuTable } from './report';

describe('bench report tables', () => {
  it('divides each process CPU by the executions of the cell', () => {
    const table = cpuTable(
      [
        {
          mode: 'respond_node',
          concurrency: 10,
          executions: 100,
          usage: {
            ms: { executor: 1340, postgres: 300 },
            totalMs: 1640,
            loadGeneratorMs: 200,
            otherPct: 7.4,
            wallMs: 10_000,
          },
        },
      ],
      ['executor', 'postgres'],
    );
    expect(table.split('\n')[2]).toBe(
      '| respond_node | 10 | 100 | 13.40 | 3.00 | 16.40 | 2.00 | 10.0 | 7 |',
    );
  });

  it('puts FlowGenie beside the peer with the req/s ratio, and dashes for a missing peer cell', () => {
    const table = comparisonTable(
      'n8n 2.8.4',
      [
        {
          variant: 'sync',
          concurrency: 1,
          rps: 26,
          p50Ms: 30,
          p99Ms: 90,
          cpuMsPerExecution: 40,
          drainMs: 0,
          backlog: 0,
          otherPct: 2,
        },
        {
          variant: 'async',
          concurrency: 50,
          rps: 40,
          p50Ms: 1,
          p99Ms: 2,
          cpuMsPerExecution: 45,
          drainMs: 9000,
          backlog: 4500,
          otherPct: 3,
        },
      ],
      [
        {
          variant: 'sync',
          concurrency: 1,
          rps: 52,
          p50Ms: 17.77,
          p99Ms: 52.48,
          cpuMsPerRequest: 21.702,
          completed: 523,
          otherPct: 3,
          peakRssTreeMiB: 645,
          drainMs: 361,
        },
      ],
    );
    const [, , sync, async] = table.split('\n');
    expect(sync).toBe(
      '| sync | 1 | 26 | 52 | 0.50 | 30.0 / 17.8 | 90.0 / 52.5 | 40.00 / 21.70 | 0 / 361 | – / 50 | 2 / 3 |',
    );
    expect(async).toBe(
      '| async | 50 | 40 | – | – | 1.0 / – | 2.0 / – | 45.00 / – | 9000 / – | 500 / – | 3 / – |',
    );
  });
});
