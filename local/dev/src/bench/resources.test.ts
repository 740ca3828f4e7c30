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

  it('counts a group of processes per pid, so a backend that exits cannot inflate it', () => {
    const group = (postgres: Record<number, number>) => ({ postgres });
    const before = { ...snap({}, 0, 0, 0), groups: group({ 10: 5000, 11: 300, 12: 40 }) };
    // Backend 11 exited, 13 is new: 10 grew by 100, 12 by 10, 13 used 20.
    const after = { ...snap({}, 1000, 0, 1000), groups: group({ 10: 5100, 12: 50, 13: 20 }) };
    const u = cpuUsage(before, after, 100, 2);
    expect(u.ms.postgres).toBe(1300);
    expect(u.totalMs).toBe(1300);
  });

  it('never reports negative other CPU when measured processes outran the machine counter', () => {
    const u = cpuUsage(snap({ a: 0 }, 0, 0, 0), snap({ a: 100 }, 90, 0, 1000), 100, 2);
    expect(u.otherPct).toBe(0);
  });
});
