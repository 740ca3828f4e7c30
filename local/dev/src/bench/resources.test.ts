import { cpuUsage, type CpuSnapshot } from './resources';

const snap = (
  ticks: Record<string, number>,
  machineBusy: number,
  selfMicros: number,
  at: number,
): CpuSnapshot => ({ ticks, machineBusy, selfMicros, at });

describe('cpuUsage', () => {
  it('turns tick deltas into CPU ms per process and the rest of the machine into "other %"', () => {
    const before = snap({ executor: 100, postgres: 50 }, 10_000, 1_000_000, 0);
    // 10 s on 2 cores; executor 3 s, postgres 1 s, load generator 1 s, machine busy 7 s.
    const after = snap({ executor: 400, postgres: 150 }, 10_700, 2_000_000, 10_000);
    const u = cpuUsage(before, after, 100, 2);
    expect(u.ms).toEqual({ executor: 3000, postgres: 1000 });
    expect(u.totalMs).toBe(4000);
    expect(u.loadGeneratorMs).toBe(1000);
    // 7 s busy - 4 s measured - 1 s load generator = 2 s of 20 core-seconds.
    expect(u.otherPct).toBeCloseTo(10);
  });

  it('counts a process restarted during the interval by what the new one used', () => {
    const u = cpuUsage(
      snap({ trigger: 500 }, 0, 0, 0),
      snap({ trigger: 20 }, 100, 0, 1000),
      100,
      2,
    );
    expect(u.ms.trigger).toBe(200);
  });

  it('never reports negative other CPU when measured processes outran the machine counter', () => {
    const u = cpuUsage(snap({ a: 0 }, 0, 0, 0), snap({ a: 100 }, 90, 0, 1000), 100, 2);
    expect(u.otherPct).toBe(0);
  });
});
