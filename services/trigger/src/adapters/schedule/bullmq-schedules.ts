import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '@flowgenie/platform';
import type { ScheduleRegistry, ScheduleTick } from '../../ports/schedule-registry';
import { BullmqJobSchedulers } from './bullmq-job-schedulers';

export const SCHEDULES_QUEUE = 'schedules';

/**
 * The local schedule backend: one BullMQ job scheduler per workflow (id = workflow id) on the
 * `schedules` queue, and a worker that turns each of its jobs into a tick. Cron patterns of 5
 * fields or 6 (seconds first) and IANA time zones are BullMQ's own (cron-parser).
 *
 * @example
 * const schedules = new BullmqSchedules({ connection, prefix, logger });
 * await schedules.start((tick) => fireSchedule.execute(tick));
 * await schedules.upsert(workflowId, '*\/5 * * * * *', 'UTC');
 */
export class BullmqSchedules implements ScheduleRegistry {
  private readonly schedulers: BullmqJobSchedulers;

  constructor(opts: { connection: Redis; prefix: string; logger: Logger; concurrency?: number }) {
    this.schedulers = new BullmqJobSchedulers({
      ...opts,
      queue: SCHEDULES_QUEUE,
      jobName: 'fire',
      jobOptions: {
        // A transient failure (database restart) retries the same tick; the firing key dedupes.
        attempts: 5,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: { age: 3600, count: 1000 },
        removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
      },
      what: 'schedule tick',
      concurrency: opts.concurrency ?? 8,
    });
  }

  async upsert(workflowId: string, cron: string, timezone: string): Promise<void> {
    await this.schedulers.upsert(workflowId, { pattern: cron, tz: timezone });
  }

  async remove(workflowId: string): Promise<void> {
    await this.schedulers.remove(workflowId);
  }

  /** Starts processing ticks; `onTick` throwing makes BullMQ retry the tick. */
  async start(onTick: (tick: ScheduleTick) => Promise<unknown>): Promise<void> {
    await this.schedulers.start((job) =>
      onTick({ workflowId: job.data.workflowId, scheduledAt: scheduledTimeOf(job) }),
    );
  }

  /** Lists the registered schedulers (operators, tests). */
  async list(): Promise<
    Array<{ workflowId: string; pattern?: string | null; tz?: string | null; next?: number | null }>
  > {
    return (await this.schedulers.list()).map((s) => ({
      workflowId: s.key,
      pattern: s.pattern,
      tz: s.tz,
      next: s.next,
    }));
  }

  /** Stops taking ticks (the one in progress finishes) and closes the queue. */
  async stop(): Promise<void> {
    await this.schedulers.stop();
  }
}

/**
 * The planned time of a scheduler's job: BullMQ stores it as `prevMillis` (and in the job id
 * `repeat:<scheduler>:<millis>`). Falls back to creation time + delay.
 */
export function scheduledTimeOf(job: Pick<Job, 'opts' | 'id' | 'timestamp'>): Date {
  const prev = (job.opts as { prevMillis?: number }).prevMillis;
  if (typeof prev === 'number' && prev > 0) return new Date(prev);
  const fromId = job.id?.match(/:(\d{10,})$/)?.[1];
  if (fromId) return new Date(Number(fromId));
  return new Date(job.timestamp + (job.opts.delay ?? 0));
}
