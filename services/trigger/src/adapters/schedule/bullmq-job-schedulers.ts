import { Queue, Worker, type Job, type JobSchedulerJson, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '@flowgenie/platform';

/** What every job of these schedulers carries: the workflow it is for. */
export interface WorkflowJobData {
  workflowId: string;
}

/**
 * One BullMQ job scheduler per workflow (scheduler id = workflow id) on one queue, and the worker
 * that runs their jobs: the mechanism under {@link BullmqSchedules} (cron) and
 * {@link BullmqPolls} (interval), which differ only in the repeat, the job options and what a job
 * does.
 *
 * @example
 * const s = new BullmqJobSchedulers({ queue: 'q', jobName: 'run', jobOptions: { attempts: 1 },
 *   what: 'poll', connection, prefix, logger });
 * await s.start((job) => work(job.data.workflowId));
 * await s.upsert(workflowId, { every: 60_000 });
 */
export class BullmqJobSchedulers<D extends object = WorkflowJobData> {
  private readonly queue: Queue<D>;
  private worker?: Worker<D>;

  constructor(
    private readonly opts: {
      queue: string;
      jobName: string;
      jobOptions: JobsOptions;
      /** The job's name in logs: `<what> failed`, `<what> worker error`. */
      what: string;
      connection: Redis;
      prefix: string;
      logger: Logger;
      concurrency: number;
    },
  ) {
    this.queue = new Queue<D>(opts.queue, {
      connection: opts.connection,
      prefix: opts.prefix,
    });
    // Connection errors are reported once by the Redis client (createRedis); BullMQ reconnects.
    this.queue.on('error', () => undefined);
  }

  /** Creates or replaces scheduler `id`; its jobs carry `data`. */
  async upsert(
    id: string,
    repeat: { every: number } | { pattern: string; tz: string },
    data: D,
  ): Promise<void> {
    // BullMQ's own generics cannot see that D is its job data here.
    await this.queue.upsertJobScheduler(id as never, repeat, {
      name: this.opts.jobName,
      data,
      opts: this.opts.jobOptions,
    } as never);
  }

  /** Whether scheduler `id` is registered. */
  async exists(id: string): Promise<boolean> {
    return (await this.queue.getJobScheduler(id)) !== undefined;
  }

  /** One job now, outside the schedule. */
  async add(data: D): Promise<void> {
    await this.queue.add(this.opts.jobName as never, data as never, this.opts.jobOptions);
  }

  async remove(id: string): Promise<void> {
    await this.queue.removeJobScheduler(id);
  }

  /** Starts running jobs; `onJob` throwing fails the job (BullMQ retries it if attempts allow). */
  async start(onJob: (job: Job<D>) => Promise<unknown>): Promise<void> {
    const { logger, what } = this.opts;
    this.worker = new Worker<D>(
      this.opts.queue,
      async (job) => {
        await onJob(job);
      },
      {
        connection: this.opts.connection,
        prefix: this.opts.prefix,
        concurrency: this.opts.concurrency,
      },
    );
    this.worker.on('failed', (job, err) =>
      logger.warn({ ...job?.data, attempt: job?.attemptsMade, err: err.message }, `${what} failed`),
    );
    this.worker.on('error', (err) => logger.error({ err }, `${what} worker error`));
    await this.worker.waitUntilReady();
  }

  /** The registered schedulers, as BullMQ keeps them. */
  async list(): Promise<JobSchedulerJson<D>[]> {
    return (await this.queue.getJobSchedulers()) as JobSchedulerJson<D>[];
  }

  /** Stops taking jobs (the ones in progress finish) and closes the queue. */
  async stop(): Promise<void> {
    await this.worker?.close();
    this.worker = undefined;
    await this.queue.close();
  }
}
