import { CronExpressionParser } from 'cron-parser';

/**
 * Answers of a pure, costly check by its input: validating a schedule (cron-parser and Intl both
 * build zone objects) took ~0.3 ms, paid on every firing of every schedule. Bounded: emptied when
 * full, as inputs are user text.
 */
function memo<T>(check: (input: string) => T, max = 2000): (input: string) => T {
  const known = new Map<string, T>();
  return (input) => {
    if (known.has(input)) return known.get(input) as T;
    const answer = check(input);
    if (known.size >= max) known.clear();
    known.set(input, answer);
    return answer;
  };
}

const knownTimeZone = memo((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
});

/** True when `tz` is an IANA time zone this runtime knows (e.g. `Europe/Paris`, `UTC`). */
export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || tz.trim() === '') return false;
  return knownTimeZone(tz);
}

const cronProblem = memo((cron): string | undefined => {
  const fields = cron.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5 && fields.length !== 6) {
    return `cron must have 5 fields (minute hour day month weekday) or 6 (with seconds first); got ${fields.length}`;
  }
  try {
    CronExpressionParser.parse(fields.join(' '), { tz: 'UTC' });
    return undefined;
  } catch (err) {
    return `invalid cron "${cron}": ${(err as Error).message}`;
  }
});

/**
 * Why a cron expression is unusable, or undefined when it is fine. Accepts 5 fields
 * (minute hour day-of-month month day-of-week) or 6 (with seconds first).
 */
export function cronError(cron: string): string | undefined {
  if (typeof cron !== 'string') return 'cron must be a string';
  return cronProblem(cron);
}

/**
 * The next `n` times a cron schedule fires in time zone `tz`, strictly after `from`.
 *
 * @throws Error on an invalid cron expression or time zone.
 * @example nextFireTimes('0 9 * * 1-5', 'Europe/Paris', 3, new Date('2025-03-29T12:00:00Z'))
 * // [2025-03-31T07:00:00Z, 2025-04-01T07:00:00Z, 2025-04-02T07:00:00Z]
 */
export function nextFireTimes(
  cron: string,
  tz: string,
  n: number,
  from: Date = new Date(),
): Date[] {
  const problem = cronError(cron);
  if (problem) throw new Error(problem);
  if (!isValidTimeZone(tz)) throw new Error(`unknown time zone "${tz}"`);
  const count = Math.max(0, Math.floor(n));
  if (count === 0) return [];
  const expr = CronExpressionParser.parse(cron.trim().split(/\s+/).join(' '), {
    tz,
    currentDate: from,
  });
  const out: Date[] = [];
  while (out.length < count && expr.hasNext()) out.push(expr.next().toDate());
  return out;
}
