import { RetryableStepError } from '@flowgenie/workflow';
import { stepBackoff } from './step-worker';

const job = (delay: number, attemptOffset?: number) => ({
  opts: { backoff: { delay } },
  data: { executionId: 'e', nodeId: 'n', attemptOffset },
});

describe('stepBackoff', () => {
  it('waits the fixed delay between attempts', () => {
    expect(stepBackoff(1, 'step-fixed', new Error('x'), job(250))).toBe(250);
    expect(stepBackoff(4, 'step-fixed', new Error('x'), job(250))).toBe(250);
  });

  it('doubles the exponential delay per attempt, with jitter in its upper half', () => {
    for (let i = 0; i < 20; i += 1) {
      const third = stepBackoff(3, 'step-exponential', new Error('x'), job(100));
      expect(third).toBeGreaterThanOrEqual(200);
      expect(third).toBeLessThanOrEqual(400);
    }
  });

  it('counts the attempts a re-driven step made before its new job', () => {
    const d = stepBackoff(1, 'step-exponential', new Error('x'), job(100, 2));
    expect(d).toBeGreaterThanOrEqual(200);
    expect(d).toBeLessThanOrEqual(400);
  });

  it('honours a longer Retry-After from the remote', () => {
    const err = new RetryableStepError('429', { status: 429, retryAfterMs: 5000 });
    expect(stepBackoff(1, 'step-fixed', err, job(100))).toBe(5000);
  });
});
