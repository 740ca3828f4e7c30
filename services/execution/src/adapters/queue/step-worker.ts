import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { isDependencyUnavailable, runWithCorrelation, type Logger } from '@flowgenie/platform';
import { retryDelayMs } from '@flowgenie/workflow';
import type { StepJobData } from '../../domain/step-job';
import type { RunStep, RunStepOutcome, StepJobRun } from '../../app/run-step';
import type { StepJob, StepQueue } from '../../ports/step-queue';
import { BACKOFF_TYPES, STEPS_QUEUE } from './bull-step-queue';

export interface StepWorkerOptions {
  connection: Redis;
  prefix: string;
  logger: Logger;
  concurrency: number;
  /** Lock of a running job; another worker takes the step over this long after its worker died. */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** Worker name stored on the jobs it takes (for debugging). */
  name?: string;
}

/** Wait before a step job tries again after Postgres or Redis was out of reach: 0.5 s doubling to 30 s. */
export const dependencyWaitMs = (waits: number) => Math.min(30_000, 500 * 2 ** (waits - 1));

/**
 * Delay before the next attempt of a step job: the node's fixed or exponential backoff with
 * jitter, raised to the remote's Retry-After when the attempt failed with one (429/503).
 */
export function stepBackoff(
  attemptsMade: number,
  type: string | undefined,
  err: Error | undefined,
  job: { opts: { backoff?: unknown }; data?: unknown } | undefined,
): number {
  const backoff = (job?.opts.backoff ?? {}) as { delay?: number };
  const offset = ((job?.data ?? {}) as StepJobData).attemptOffset ?? 0;
  const kind = type === BACKOFF_TYPES.fixed ? 'fixed' : 'exponential';
  return retryDelayMs(
    { backoff: { type: kind, delayMs: backoff.delay ?? 1000 } },
    attemptsMade + offset,
    err,
  );
}

/**
 * The executor's BullMQ worker on the steps queue. The app decides; this adapter translates:
 * a retry outcome rethrows the step's error (BullMQ retries it after `stepBackoff`), a final
 * failure becomes `UnrecoverableError` so BullMQ fails the job at once.
 */
export class StepWorker {
  private worker?: Worker<StepJobData, string>;

  constructor(
    private readonly runStep: RunStep,
    private readonly opts: StepWorkerOptions,
  ) {}

  async start(): Promise<void> {
    const { logger } = this.opts;
    this.worker = new Worker<StepJobData, string>(
      STEPS_QUEUE,
      (job, token) => this.processOrWait(job, token),
      {
        connection: this.opts.connection,
        prefix: this.opts.prefix,
        concurrency: this.opts.concurrency,
        lockDuration: this.opts.lockDurationMs,
        stalledInterval: this.opts.stalledIntervalMs,
        // A step whose worker keeps dying is given up by BullMQ; the reaper then decides.
        maxStalledCount: 2,
        name: this.opts.name,
        settings: { backoffStrategy: stepBackoff },
      },
    );
    this.worker.on('error', (err) => logger.error({ err }, 'step worker error'));
    this.worker.on('stalled', (jobId) =>
      logger.warn({ jobId }, 'step job stalled; another worker takes it over'),
    );
    await this.worker.waitUntilReady();
  }

  /**
   * Postgres out of reach (or Redis failing a call the step made) is not the step's failure: the
   * job waits and tries again (without spending one of the step's attempts) instead of failing
   * and leaving the execution to the reaper a minute later. The wait itself is written to Redis:
   * with Redis down those writes fail too, and the job comes back through BullMQ's stall check.
   * What ran before the error was recorded as after a crash.
   */
  private async processOrWait(job: Job<StepJobData, string>, token?: string): Promise<string> {
    try {
      return await this.process(job);
    } catch (err) {
      if (!token || !isDependencyUnavailable(err)) throw err;
      const wait = this.dependencyWait(job.id!, job.data, err);
      await job.updateData(wait.data);
      await job.moveToDelayed(Date.now() + wait.delayMs, token);
      throw new DelayedError();
    }
  }

  /**
   * Runs a step job handed over within this process (see InProcessSteps) as the first attempt of
   * a queue job: a retry goes to `queue` after the step's backoff. An attempt Postgres or Redis
   * cut short goes there after a wait, without spending an attempt (as processOrWait does); any
   * other error spends one, as a queue job's would.
   */
  async runHere(job: StepJob, queue: StepQueue): Promise<void> {
    const { logger } = this.opts;
    let next: StepJob | undefined;
    try {
      const outcome = await this.run({
        jobId: job.jobId,
        data: job.data,
        attemptsMade: 0,
        maxAttempts: job.attempts,
      });
      if (outcome.kind === 'retry') next = retryOf(job, outcome.error);
    } catch (err) {
      if (isDependencyUnavailable(err)) {
        next = { ...job, ...this.dependencyWait(job.jobId, job.data, err) };
      } else {
        logger.error({ err, jobId: job.jobId }, 'step job failed');
        // No attempt left: the step stays running, and the reaper fails it as a lost attempt.
        if (job.attempts > 1) next = retryOf(job, err);
      }
    }
    if (!next) return;
    // Redis down too: the reaper re-drives the execution once it is stale.
    await queue
      .enqueue([next])
      .catch((err: unknown) => logger.error({ err, jobId: job.jobId }, 'step could not be queued'));
  }

  /** Runs one attempt of a step job, its log lines under the job's correlation id. */
  private run(job: StepJobRun): Promise<RunStepOutcome> {
    return runWithCorrelation(job.data.correlationId, () => this.runStep.execute(job));
  }

  /** The job's data and delay for waiting until Postgres or Redis is back (no attempt spent). */
  private dependencyWait(jobId: string, data: StepJobData, err: unknown) {
    const waits = (data.dependencyWaits ?? 0) + 1;
    const delayMs = dependencyWaitMs(waits);
    this.opts.logger.warn(
      { err, jobId, waits, delayMs },
      'step job waits for the database or Redis',
    );
    return { data: { ...data, dependencyWaits: waits }, delayMs };
  }

  private async process(job: Job<StepJobData, string>): Promise<string> {
    const outcome = await this.run({
      jobId: job.id!,
      data: job.data,
      attemptsMade: job.attemptsMade,
      maxAttempts: job.opts.attempts ?? 1,
    });
    switch (outcome.kind) {
      case 'done':
        return outcome.status;
      case 'retry':
        throw outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error));
      case 'failed':
        throw new UnrecoverableError(
          outcome.error instanceof Error ? outcome.error.message : String(outcome.error),
        );
    }
  }

  /** Waits for the steps in flight (`force`: does not wait; their jobs go back to the queue when their lock expires). */
  async close(force = false): Promise<void> {
    await this.worker?.close(force);
    this.worker = undefined;
  }
}

/** The job of the next attempt after `job`'s first one failed with `error`, after its backoff. */
function retryOf(job: StepJob, error: unknown): StepJob {
  return {
    ...job,
    data: { ...job.data, attemptOffset: (job.data.attemptOffset ?? 0) + 1 },
    attempts: job.attempts - 1,
    delayMs: Math.max(1, retryDelayMs({ backoff: job.backoff }, 1, error)),
  };
}
