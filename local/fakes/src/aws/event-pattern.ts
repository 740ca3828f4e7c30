/** An EventBridge event as a rule sees it (the envelope EventBridge wraps around an entry). */
export type BusEvent = Record<string, unknown>;

/**
 * Whether `event` matches an EventBridge event pattern, for the subset of the pattern language a
 * fake bus needs: fields holding arrays of exact values (strings, numbers, booleans, null),
 * `{ "prefix": "…" }`, `{ "anything-but": […] }`, `{ "exists": bool }`, and nested objects.
 * A field of the pattern must match (all fields: AND; values of one array: OR). Anything else in
 * a pattern throws, so a rule the fake cannot read fails loudly instead of routing nothing.
 *
 * @example
 * matchesEventPattern({ 'detail-type': ['workflow.activated'] }, { 'detail-type': 'workflow.activated' }) // true
 */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern)) throw new UnsupportedPatternError('a pattern must be a JSON object');
  return Object.entries(pattern).every(([field, rule]) =>
    matchesField(
      rule,
      isObject(event) ? event[field] : undefined,
      isObject(event) && field in event,
      field,
    ),
  );
}

export class UnsupportedPatternError extends Error {}

function matchesField(rule: unknown, value: unknown, present: boolean, field: string): boolean {
  if (Array.isArray(rule)) {
    if (rule.length === 0)
      throw new UnsupportedPatternError(`"${field}": an empty array matches nothing`);
    const values = Array.isArray(value) ? value : [value];
    return rule.some((r) => matchesOne(r, values, present, field));
  }
  if (isObject(rule)) return isObject(value) && matchesEventPattern(rule, value);
  throw new UnsupportedPatternError(`"${field}": a pattern field must be an array or an object`);
}

function matchesOne(rule: unknown, values: unknown[], present: boolean, field: string): boolean {
  if (rule === null || ['string', 'number', 'boolean'].includes(typeof rule))
    return present && values.some((v) => v === rule);
  if (isObject(rule) && Object.keys(rule).length === 1) {
    const [[op, arg]] = Object.entries(rule);
    if (op === 'prefix' && typeof arg === 'string')
      return values.some((v) => typeof v === 'string' && v.startsWith(arg));
    if (op === 'anything-but') {
      const excluded = Array.isArray(arg) ? arg : [arg];
      return present && values.every((v) => !excluded.includes(v));
    }
    if (op === 'exists' && typeof arg === 'boolean') return arg === present;
  }
  throw new UnsupportedPatternError(
    `"${field}": ${JSON.stringify(rule)} is not supported by the fake EventBridge`,
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
