import { PermanentStepError, RetryableStepError } from './errors';
import {
  computeBackoffMs,
  parseRetryAfter,
  resolveRetryPolicy,
  retryDelayMs,
  shouldRetry,
} from './retry';

const fixed = (delayMs: number) => ({ backoff: { type: 'fixed' as const, delayMs } });
const expo = (
  delayMs: number,
  extra: { jitter?: 'none' | 'full' | 'equal'; maxDelayMs?: number } = {},
) => ({
  backoff: { type: 'exponential' as const, delayMs, ...extra },
});

describe('computeBackoffMs', () => {
  it('waits the same time after every attempt with fixed backoff', () => {
    expect([1, 2, 5].map((n) => computeBackoffMs(fixed(1500), n))).toEqual([1500, 1500, 1500]);
  });

  it('doubles the delay after each attempt with exponential backoff', () => {
    const delays = [1, 2, 3, 4].map((n) => computeBackoffMs(expo(1000, { jitter: 'none' }), n));
    expect(delays).toEqual([1000, 2000, 4000, 8000]);
  });

  it('caps the delay at maxDelayMs', () => {
    expect(computeBackoffMs(expo(1000, { jitter: 'none', maxDelayMs: 5000 }), 10)).toBe(5000);
    expect(computeBackoffMs(expo(1000, { jitter: 'none' }), 5000)).toBe(3_600_000);
  });

  it('keeps full jitter within [0, delay]', () => {
    const policy = expo(1000, { jitter: 'full' });
    expect(computeBackoffMs(policy, 3, () => 0)).toBe(0);
    expect(computeBackoffMs(policy, 3, () => 0.999999)).toBe(3999);
    for (let i = 0; i < 200; i += 1) {
      const d = computeBackoffMs(policy, 3);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(4000);
    }
  });

  it('keeps equal jitter (the exponential default) within [delay/2, delay]', () => {
    const policy = expo(1000);
    expect(computeBackoffMs(policy, 3, () => 0)).toBe(2000);
    expect(computeBackoffMs(policy, 3, () => 1)).toBe(4000);
    for (let i = 0; i < 200; i += 1) {
      const d = computeBackoffMs(policy, 3);
      expect(d).toBeGreaterThanOrEqual(2000);
      expect(d).toBeLessThanOrEqual(4000);
    }
  });

  it('applies the cap before jitter', () => {
    expect(computeBackoffMs(expo(1000, { jitter: 'equal', maxDelayMs: 3000 }), 6, () => 1)).toBe(
      3000,
    );
  });
});

describe('retryDelayMs and shouldRetry', () => {
  it('waits at least as long as Retry-After asks, up to the cap', () => {
    const err = new RetryableStepError('rate limited', { status: 429, retryAfterMs: 30_000 });
    expect(retryDelayMs(fixed(1000), 1, err)).toBe(30_000);
    expect(
      retryDelayMs({ backoff: { type: 'fixed', delayMs: 1000, maxDelayMs: 10_000 } }, 1, err),
    ).toBe(10_000);
    expect(retryDelayMs(fixed(60_000), 1, err)).toBe(60_000);
  });

  it('never retries a permanent error and stops when attempts run out', () => {
    expect(shouldRetry({ attempts: 3 }, 1, new PermanentStepError('bad request'))).toBe(false);
    expect(shouldRetry({ attempts: 3 }, 1, new RetryableStepError('flaky'))).toBe(true);
    expect(shouldRetry({ attempts: 3 }, 2, new Error('unknown'))).toBe(true);
    expect(shouldRetry({ attempts: 3 }, 3, new RetryableStepError('flaky'))).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('resolveRetryPolicy', () => {
  it('layers contract defaults, the node type default and the node override', () => {
    const type = {
      defaultRetry: { attempts: 3, backoff: { type: 'exponential' as const, delayMs: 500 } },
    };
    expect(resolveRetryPolicy(undefined)).toEqual({
      attempts: 1,
      backoff: { type: 'exponential', delayMs: 1000 },
      timeoutMs: 30_000,
    });
    expect(resolveRetryPolicy(type, { backoff: { delayMs: 2000 }, timeoutMs: 5000 })).toEqual({
      attempts: 3,
      backoff: { type: 'exponential', delayMs: 2000 },
      timeoutMs: 5000,
    });
    expect(resolveRetryPolicy(type, { attempts: 1 }).attempts).toBe(1);
  });

  it('refuses an out-of-range policy with a permanent error', () => {
    expect(() => resolveRetryPolicy(undefined, { attempts: 0 })).toThrow(PermanentStepError);
  });
});
