import { parseN8nSummary } from './peer';

// Trimmed from a real n8n-bench.sh run (progress lines before the summary, as on its stdout).
const OUTPUT = `cold starts, first 200 (ms): 6566; all workflows activated (ms): 6569
| n8n 2.8.4 | sync | 1 | 52 | 17.77 | 52.48 | 523 | 523 | 0 | c0/r0/w0/t0 | 524 | 524 (success=524; data rows 524) | 0 | 361 | 4.0 / 13.0 | 21.702 | 556 | 645 | 0 | 0 / 3 |
### n8n 2.8.4 (2026-12-01T06:13:13Z)

RSS idle after start: 580 MiB (process tree of 2); after all load: 509 MiB

| peer | variant | conc | req/s | p50 ms | p99 ms | completed | HTTP 200 | non-200 | sock err c/r/w/t | sent | executions persisted | sent-persisted | drain ms | exec time p50/p99 ms | CPU ms/req | peak RSS main MiB | peak RSS tree MiB | n8n logged errors | other CPU % before / during |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
| n8n 2.8.4 | sync | 1 | 52 | 17.77 | 52.48 | 523 | 523 | 0 | c0/r0/w0/t0 | 524 | 524 (success=524; data rows 524) | 0 | 361 | 4.0 / 13.0 | 21.702 | 556 | 645 | 0 | 0 / 3 |
| n8n 2.8.4 | async | 10 | 61 | 156.15 | 303.89 | 612 | 612 | 0 | c0/r0/w0/t0 | 622 | 620 (success=620; data rows 620) | 2 | 7619 | 40.0 / 103.0 | 15.833 | 565 | 654 | 2 | 0 / 31 |
`;

describe('parseN8nSummary', () => {
  it('reads each cell of the summary table by column name', () => {
    const r = parseN8nSummary(OUTPUT);
    expect(r.version).toBe('n8n 2.8.4');
    expect(r.idleRssMiB).toBe(580);
    expect(r.rows).toEqual([
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
      expect.objectContaining({ variant: 'async', concurrency: 10, rps: 61, otherPct: 31 }),
    ]);
    expect(r.summary.startsWith('### n8n 2.8.4')).toBe(true);
  });

  it('says which column is missing when the table changed shape', () => {
    const changed = OUTPUT.replace('| CPU ms/req |', '| CPU/req |');
    expect(() => parseN8nSummary(changed)).toThrow('the n8n table has no "CPU ms/req" column');
  });

  it('says so when there is no table at all', () => {
    expect(() => parseN8nSummary('n8n did not become ready\n')).toThrow(/no "\| peer \| variant/);
  });
});
