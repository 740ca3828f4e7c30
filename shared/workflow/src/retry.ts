import { RetryPolicySchema, type RetryPolicy } from '@flowgenie/contracts';
import { PermanentStepError, RetryableStepError } from './errors';

/** Backoff settings: the contract's `RetryPolicy.backoff` plus optional jitter and cap. */
export interface BackoffOptions {
  type: 'fixed' | 'exponential';
  /** Base delay: the fixed delay, or the first exponential delay. */
  delayMs: number;
  /**
   * `none`: exact delay. `full`: uniform in [0, d]. `equal`: uniform in [d/2, d].
   * @default 'none' for fixed, 'equal' for exponential
   */
  jitter?: 'none' | 'full' | 'equal';
  /** Upper bound applied before jitter. @default 3_600_000 (1 hour) */
  maxDelayMs?: number;
}

/** A partial retry policy as found on a node or a node type (nested `backoff` may be partial too). */
export interface RetryPolicyOverride {
  attempts?: number;
  backoff?: Partial<RetryPolicy['backoff']>;
  timeoutMs?: number;
}

export const DEFAULT_MAX_BACKOFF_MS = 3_600_000;

/**
 * Delay before the next attempt, given how many attempts have been made (1 after the first
 * failure). Exponential: `delayMs * 2^(attemptsMade-1)`, capped, then jittered.
 *
 * @example
 * ```ts
 * computeBackoffMs({ backoff: { type: 'exponential', delayMs: 1000 } }, 3); // 2000..4000 (equal jitter)
 * ```
 */
export function computeBackoffMs(
  policy: { backoff: BackoffOptions },
  attemptsMade: number,
  rng: () => number = Math.random,
): number {
  const { type, delayMs } = policy.backoff;
  const cap = Math.max(0, policy.backoff.maxDelayMs ?? DEFAULT_MAX_BACKOFF_MS);
  const n = Math.max(1, Math.floor(attemptsMade));
  // 2^(n-1) overflows to Infinity for huge n; Math.min handles that.
  const raw = type === 'fixed' ? delayMs : delayMs * 2 ** (n - 1);
  const base = Math.min(Math.max(0, raw), cap);
  const jitter = policy.backoff.jitter ?? (type === 'exponential' ? 'equal' : 'none');
  const r = Math.min(Math.max(rng(), 0), 1);
  switch (jitter) {
    case 'full':
      return Math.floor(base * r);
    case 'equal':
      return Math.floor(base / 2 + (base / 2) * r);
    default:
      return Math.floor(base);
  }
}

/**
 * Delay before retrying after `error`: the backoff, raised to a Retry-After hint when the
 * remote asked for longer (never above the cap). Suits BullMQ's custom `backoffStrategy`.
 */
export function retryDelayMs(
  policy: { backoff: BackoffOptions },
  attemptsMade: number,
  error: unknown,
  rng: () => number = Math.random,
): number {
  const backoff = computeBackoffMs(policy, attemptsMade, rng);
  if (error instanceof RetryableStepError && error.retryAfterMs !== undefined) {
    const cap = policy.backoff.maxDelayMs ?? DEFAULT_MAX_BACKOFF_MS;
    return Math.max(backoff, Math.min(Math.ceil(error.retryAfterMs), cap));
  }
  return backoff;
}

/** Whether another attempt should run after `error` (attempts left and not permanent). */
export function shouldRetry(
  policy: Pick<RetryPolicy, 'attempts'>,
  attemptsMade: number,
  error: unknown,
): boolean {
  return !(error instanceof PermanentStepError) && attemptsMade < policy.attempts;
}

/**
 * The effective policy of a node: contract defaults, then the node type's `defaultRetry`,
 * then the node's own `retry` (nested `backoff` merged field by field).
 *
 * @throws PermanentStepError when the merged policy is out of range.
 */
export function resolveRetryPolicy(
  nodeType: { defaultRetry?: RetryPolicyOverride } | undefined,
  nodeRetry?: RetryPolicyOverride,
): RetryPolicy {
  const typeRetry = nodeType?.defaultRetry ?? {};
  const own = nodeRetry ?? {};
  const merged = {
    ...stripUndefined(typeRetry),
    ...stripUndefined(own),
    backoff: { ...stripUndefined(typeRetry.backoff ?? {}), ...stripUndefined(own.backoff ?? {}) },
  };
  const parsed = RetryPolicySchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PermanentStepError(
      `invalid retry policy: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      { code: 'invalid_retry_policy' },
    );
  }
  return parsed.data;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Milliseconds to wait from a `Retry-After` header: delay-seconds or an HTTP date.
 * Undefined when absent or unreadable; never negative.
 *
 * @example parseRetryAfter('120') // 120000
 */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) return Number(raw) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
