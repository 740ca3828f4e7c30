import { dailyCronAt, plannedTimeOfKey, summariseLateness } from './schedules';
import { largeBody, phaseSummary, type RssSample } from './large-payloads';

describe('schedule cell helpers', () => {
  it('writes a daily 6-field UTC cron due at the given second', () => {
    expect(dailyCronAt(new Date('2026-12-01T07:05:09.000Z'))).toBe('9 5 7 * * *');
  });

  it('reads the planned time back out of a schedule firing key', () => {
    expect(plannedTimeOfKey('schedule:3f0c:2:2026-12-01T13:40:00.000Z')).toEqual(
      new Date('2026-12-01T13:40:00.000Z'),
    );
    expect(plannedTimeOfKey('webhook:3f0c:abc')).toBeUndefined();
  });

  it('summarises lateness as p50, p99, max and how many were over a second', () => {
    const ms = Array.from({ length: 100 }, (_, i) => (i + 1) * 20); // 20..2000
    expect(summariseLateness(ms)).toEqual({ n: 100, p50: 1000, p99: 1980, max: 2000, over1s: 50 });
    expect(summariseLateness([]).n).toBe(0);
  });
});

describe('large payload cell helpers', () => {
  it('builds bodies of about the asked size that differ only by their marker', () => {
    const body = largeBody(1);
    const a = JSON.parse(body(7).toString()) as { marker: number; items: { id: string }[] };
    expect(a.marker).toBe(7);
    expect(a.items).toHaveLength(50);
    expect(Math.abs(body(7).length - 1024 * 1024)).toBeLessThan(4096);
  });

  it('summarises the RSS samples of a phase', () => {
    const s = (t: number, phase: RssSample['phase'], flowgenie: number): RssSample => ({
      t,
      phase,
      flowgenie,
      postgres: 100,
      redis: 10,
    });
    const summary = phaseSummary(
      [s(0, 'before', 160), s(1, 'load', 300), s(2, 'load', 500)],
      'load',
    );
    expect(summary.n).toBe(2);
    expect(summary.flowgenie).toEqual({ mean: 400, max: 500, last: 500 });
  });
});
