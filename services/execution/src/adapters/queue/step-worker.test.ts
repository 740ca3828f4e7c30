import { createLogger } from '@flowgenie/platform';
import { RetryableStepError } from '@flowgenie/workflow';
import type { RunStep, RunStepOutcome } from '../../app/run-step';
import type { StepJob, StepQueue } from '../../ports/step-queue';
import { StepWorker, stepBackoff } from './step-worker';

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

describe('a step handed over in this process (StepWorker.runHere)', () => {
  const handed: StepJob = {
    jobId: 'e__sum',
    data: { executionId: 'e', nodeId: 'sum', type: 'transform', correlationId: 'c' },
    attempts: 3,
    backoff: { type: 'fixed', delayMs: 250 },
  };
  /** A worker whose step ends with `result` (an outcome, or a thrown error), and its queue. */
  const workerEnding = (result: RunStepOutcome | Error) => {
    const runs: unknown[] = [];
    const runStep = {
      execute: async (run: unknown) => {
        runs.push(run);
        if (result instanceof Error) throw result;
        return result;
      },
    } as unknown as RunStep;
    const queued: StepJob[] = [];
    const queue = { enqueue: async (jobs: StepJob[]) => void queued.push(...jobs) } as StepQueue;
    const worker = new StepWorker(runStep, {
      logger: createLogger({ service: 'test', level: 'silent' }),
    } as ConstructorParameters<typeof StepWorker>[1]);
    return { run: () => worker.runHere(handed, queue), runs, queued };
  };

  it('runs it as the first attempt of its job, and queues nothing once it is done', async () => {
    const w = workerEnding({ kind: 'done', status: 'succeeded' });
    await w.run();
    expect(w.runs).toEqual([
      { jobId: 'e__sum', data: handed.data, attemptsMade: 0, maxAttempts: 3 },
    ]);
    expect(w.queued).toEqual([]);
  });

  it('queues its retry after the backoff, with the attempt made counted', async () => {
    const w = workerEnding({ kind: 'retry', error: new RetryableStepError('flaky') });
    await w.run();
    expect(w.queued).toEqual([
      {
        ...handed,
        data: { ...handed.data, attemptOffset: 1 },
        attempts: 2,
        delayMs: 250,
      },
    ]);
  });

  it('spends an attempt on any other error, as a queue job would', async () => {
    const w = workerEnding(new TypeError('a bug'));
    await w.run();
    expect(w.queued).toEqual([
      { ...handed, data: { ...handed.data, attemptOffset: 1 }, attempts: 2, delayMs: 250 },
    ]);
  });

  it('queues the same attempt after a wait when Postgres or Redis cut it short', async () => {
    const w = workerEnding(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    );
    await w.run();
    expect(w.queued).toEqual([
      { ...handed, data: { ...handed.data, dependencyWaits: 1 }, delayMs: 500 },
    ]);
  });
});
