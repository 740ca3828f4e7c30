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
export class BullmqJobSchedulers {
  private readonly queue: Queue<WorkflowJobData>;
  private worker?: Worker<WorkflowJobData>;

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
    this.queue = new Queue<WorkflowJobData>(opts.queue, {
      connection: opts.connection,
      prefix: opts.prefix,
    });
    // Connection errors are reported once by the Redis client (createRedis); BullMQ reconnects.
    this.queue.on('error', () => undefined);
  }

  async upsert(
    workflowId: string,
    repeat: { every: number } | { pattern: string; tz: string },
  ): Promise<void> {
    await this.queue.upsertJobScheduler(workflowId, repeat, {
      name: this.opts.jobName,
      data: { workflowId },
      opts: this.opts.jobOptions,
    });
  }

  /** One job now, outside the schedule. */
  async add(workflowId: string): Promise<void> {
    await this.queue.add(this.opts.jobName, { workflowId }, this.opts.jobOptions);
  }

  async remove(workflowId: string): Promise<void> {
    await this.queue.removeJobScheduler(workflowId);
  }

  /** Starts running jobs; `onJob` throwing fails the job (BullMQ retries it if attempts allow). */
  async start(onJob: (job: Job<WorkflowJobData>) => Promise<unknown>): Promise<void> {
    const { logger, what } = this.opts;
    this.worker = new Worker<WorkflowJobData>(
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
      logger.warn(
        { workflowId: job?.data.workflowId, attempt: job?.attemptsMade, err: err.message },
        `${what} failed`,
      ),
    );
    this.worker.on('error', (err) => logger.error({ err }, `${what} worker error`));
    await this.worker.waitUntilReady();
  }

  /** The registered schedulers, as BullMQ keeps them. */
  async list(): Promise<JobSchedulerJson[]> {
    return this.queue.getJobSchedulers();
  }

  /** Stops taking jobs (the ones in progress finish) and closes the queue. */
  async stop(): Promise<void> {
    await this.worker?.close();
    this.worker = undefined;
    await this.queue.close();
  }
}
