import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { StepJobData } from '../../domain/step-job';
import type { StepJob, StepQueue } from '../../ports/step-queue';

export const STEPS_QUEUE = 'steps';

/** Backoff type names of step jobs; BullMQ hands them to the worker's custom backoff strategy. */
export const BACKOFF_TYPES = { fixed: 'step-fixed', exponential: 'step-exponential' } as const;

const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/**
 * The steps queue (BullMQ, prefix REDIS_PREFIX). A job id that exists makes `add` a no-op, so a
 * duplicate enqueue of a step never runs it twice at once.
 */
export class BullStepQueue implements StepQueue {
  readonly queue: Queue<StepJobData>;

  constructor(opts: { connection: Redis; prefix: string }) {
    this.queue = new Queue<StepJobData>(STEPS_QUEUE, {
      connection: opts.connection,
      prefix: opts.prefix,
    });
    // Connection errors are reported once by the Redis client (createRedis); BullMQ reconnects.
    this.queue.on('error', () => undefined);
  }

  async enqueue(jobs: StepJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue.addBulk(
      jobs.map((j) => ({
        name: j.data.nodeId,
        data: j.data,
        opts: {
          jobId: j.jobId,
          attempts: j.attempts,
          backoff: { type: BACKOFF_TYPES[j.backoff.type], delay: j.backoff.delayMs },
          ...(j.delayMs ? { delay: j.delayMs } : {}),
          // The step rows are the history: a finished job keeps nothing (a late duplicate of a
          // finished step is discarded by run-step's owner check, not by the job id).
          removeOnComplete: true,
          removeOnFail: { age: 24 * 3600, count: 1000 },
        },
      })),
    );
  }

  async remove(jobIds: string[]): Promise<void> {
    // A job a worker holds is locked and stays; its result is discarded by the step's owner check.
    await Promise.all(jobIds.map((id) => this.queue.remove(id).catch(() => 0)));
  }

  async live(jobIds: string[]): Promise<Set<string>> {
    const states = await Promise.all(
      jobIds.map(async (id) => [id, await this.queue.getJobState(id)] as const),
    );
    return new Set(states.filter(([, state]) => LIVE_STATES.has(state)).map(([id]) => id));
  }

  /** Jobs by state, for the queue-depth gauge. */
  counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
  }

  /** Age of the job that has waited longest to start (0 when none waits). */
  async oldestWaitingAgeMs(now = Date.now()): Promise<number> {
    const [oldest] = await this.queue.getJobs(['wait'], 0, 0, true);
    if (!oldest) return 0;
    return Math.max(0, now - (oldest.timestamp + (oldest.delay ?? 0)));
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
