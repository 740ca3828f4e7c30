import type { Clock } from '../../ports/clock';

/**
 * Wall-clock time at millisecond precision (a JS Date), so the timestamps stored in
 * Postgres equal the ones in list cursors exactly.
 */
export const systemClock: Clock = { now: () => new Date() };
