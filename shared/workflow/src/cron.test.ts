import { cronError, isValidTimeZone, nextFireTimes } from './cron';

describe('nextFireTimes', () => {
  it('reads the cron in the given time zone, across a DST change', () => {
    // Paris switches from UTC+1 to UTC+2 on 2025-03-30.
    const times = nextFireTimes('0 9 * * *', 'Europe/Paris', 3, new Date('2025-03-28T12:00:00Z'));
    expect(times.map((d) => d.toISOString())).toEqual([
      '2025-03-29T08:00:00.000Z',
      '2025-03-30T07:00:00.000Z',
      '2025-03-31T07:00:00.000Z',
    ]);
  });

  it('supports 6-field crons with seconds and weekday names', () => {
    const times = nextFireTimes(
      '30 0 12 * * MON',
      'America/New_York',
      2,
      new Date('2025-06-01T00:00:00Z'),
    );
    expect(times.map((d) => d.toISOString())).toEqual([
      '2025-06-02T16:00:30.000Z',
      '2025-06-09T16:00:30.000Z',
    ]);
  });

  it('fires strictly after the start time', () => {
    const [next] = nextFireTimes('*/15 * * * *', 'UTC', 1, new Date('2025-01-01T10:15:00Z'));
    expect(next.toISOString()).toBe('2025-01-01T10:30:00.000Z');
  });

  it('rejects bad crons and unknown time zones with a clear message', () => {
    expect(() => nextFireTimes('61 * * * *', 'UTC', 1)).toThrow(/invalid cron "61 \* \* \* \*"/);
    expect(() => nextFireTimes('* * * *', 'UTC', 1)).toThrow(/5 fields .* got 4/);
    expect(() => nextFireTimes('* * * * *', 'Mars/Olympus', 1)).toThrow(
      'unknown time zone "Mars/Olympus"',
    );
  });
});

describe('cron and time zone checks', () => {
  it('accepts 5 or 6 fields only', () => {
    expect(cronError('0 9 * * 1-5')).toBeUndefined();
    expect(cronError('0 0 9 * * 1-5')).toBeUndefined();
    expect(cronError('0 0 0 9 * * 1-5')).toMatch(/got 7/);
    expect(cronError('@daily')).toMatch(/got 1/);
  });

  it('knows IANA zones', () => {
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Asia/Kolkata')).toBe(true);
    expect(isValidTimeZone('Europe/Atlantis')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});
