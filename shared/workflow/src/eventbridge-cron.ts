/** A valid cron that EventBridge Scheduler cannot express; the message names the field. */
export class UnsupportedCronError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedCronError';
  }
}

/**
 * Why EventBridge Scheduler cannot run `cron`, or undefined when it can: what the catalog tells
 * a user at publish and activation when schedules run there (SCHEDULES=aws).
 *
 * @example eventBridgeCronError('* * * * * *') // 'cron "* * * * * *": EventBridge Scheduler fires at most once a minute, …'
 */
export function eventBridgeCronError(cron: string): string | undefined {
  try {
    toEventBridgeCron(cron);
    return undefined;
  } catch (err) {
    if (err instanceof UnsupportedCronError) return err.message;
    throw err;
  }
}

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
const DAY_NUMBER: Record<string, number> = Object.fromEntries(DAY_NAMES.map((d, i) => [d, i]));

/**
 * The EventBridge Scheduler expression (`cron(minutes hours day-of-month month day-of-week year)`)
 * of a schedule node's cron: 5 fields (minute hour day month weekday) or 6 (seconds first), read
 * the way cron-parser reads it (weekday 0 or 7 = Sunday; a day-of-month and a weekday both set
 * mean either).
 *
 * What Scheduler cannot express is refused with a message naming the field: seconds other than
 * 0, and a day-of-month and a weekday restricted together (Scheduler needs `?` in one of them).
 * Weekdays are written as names (Scheduler numbers them 1 = Sunday, cron 0 = Sunday).
 *
 * @throws UnsupportedCronError
 * @example toEventBridgeCron('0 9 * * 1-5') // 'cron(0 9 ? * MON,TUE,WED,THU,FRI *)'
 * @example toEventBridgeCron('*\/15 * * * *') // 'cron(0/15 * * * ? *)'
 */
export function toEventBridgeCron(cron: string): string {
  const fields = cron.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5 && fields.length !== 6)
    throw new UnsupportedCronError(
      `cron "${cron}" must have 5 fields (minute hour day month weekday) or 6 (seconds first)`,
    );
  if (fields.length === 6) {
    const seconds = fields.shift()!;
    if (seconds !== '0' && seconds !== '00')
      throw new UnsupportedCronError(
        `cron "${cron}": EventBridge Scheduler fires at most once a minute, so the seconds field must be 0 (got "${seconds}")`,
      );
  }
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  const anyDom = dom === '*' || dom === '?';
  const anyDow = dow === '*' || dow === '?';
  if (!anyDom && !anyDow)
    throw new UnsupportedCronError(
      `cron "${cron}": EventBridge Scheduler cannot combine a day of the month ("${dom}") with a weekday ("${dow}"); keep one of them "*"`,
    );
  const days = anyDow ? '?' : weekdays(dow, cron);
  return `cron(${startStep(minute, 0)} ${startStep(hour, 0)} ${anyDom ? (anyDow ? '*' : '?') : startStep(dom, 1)} ${startStep(month, 1)} ${days} *)`;
}

/** `*\/n` → `first/n` (Scheduler's increment form); anything else as is. */
function startStep(field: string, first: number): string {
  return field
    .split(',')
    .map((part) => (part.startsWith('*/') ? `${first}${part.slice(1)}` : part))
    .join(',');
}

/** A cron weekday field as Scheduler's day names, every range and step expanded. */
function weekdays(field: string, cron: string): string {
  const days = new Set<number>();
  for (const part of field.toUpperCase().split(',')) {
    const match = /^(\*|[0-7]|[A-Z]{3})(?:-([0-7]|[A-Z]{3}))?(?:\/(\d+))?$/.exec(part);
    if (!match)
      throw new UnsupportedCronError(
        `cron "${cron}": weekday "${part}" is not supported by EventBridge Scheduler here (use numbers 0-7, names, ranges and steps)`,
      );
    const [, from, to, step] = match;
    const start = from === '*' ? 0 : day(from!, cron);
    let end = from === '*' ? 6 : to ? day(to, cron) : step ? 6 : start;
    // `5-7` and `FRI-SUN`: 7 (and 0 as an end) is the Sunday after Saturday.
    if (to && end < start) end += 7;
    const by = step ? Number(step) : 1;
    if (by < 1) throw new UnsupportedCronError(`cron "${cron}": weekday step must be at least 1`);
    for (let d = start; d <= end; d += by) days.add(d % 7);
  }
  return [...days]
    .sort((a, b) => a - b)
    .map((d) => DAY_NAMES[d])
    .join(',');
}

function day(value: string, cron: string): number {
  if (/^\d$/.test(value)) return Number(value) === 7 ? 7 : Number(value);
  const n = DAY_NUMBER[value];
  if (n === undefined) throw new UnsupportedCronError(`cron "${cron}": unknown weekday "${value}"`);
  return n;
}
