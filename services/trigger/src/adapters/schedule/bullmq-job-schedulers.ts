import { Queue, Worker, type Job, type JobSchedulerJson, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '@flowgenie/platform';

/**
 * How far ahead the next scheduler job is looked up: schedulers upserted by other processes are
 * seen within this time.
 */
const WAKE_LOOKAHEAD_MS = 5_000;

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
  private wakeTimer?: NodeJS.Timeout;
  /** The planned time of the last job woken, so that it is not woken twice. */
  private lastWoken = 0;
  private arming = false;
  private armAgain = false;

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
    this.armWake();
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
    this.armWake();
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
    // A job taken: its scheduler's next job now exists.
    this.worker.on('active', () => this.armWake());
    await this.worker.waitUntilReady();
    this.armWake();
  }

  /**
   * Redis ends a worker's wait for a delayed job when it next checks its timeouts, which it does
   * `hz` times a second (10 by default): a due job could start up to 100 ms late. A timer of this
   * process at the earliest scheduler's next time promotes that job, which wakes the worker; the
   * worker then takes every job due by then. Best effort: without it, BullMQ's own wait applies.
   */
  private armWake(): void {
    if (!this.worker) return;
    // One look at a time; asked again meanwhile (a job taken, an upsert), it looks once more.
    if (this.arming) {
      this.armAgain = true;
      return;
    }
    this.arming = true;
    this.queue
      .getJobSchedulers(0, 0, true)
      .then(
        ([first]) => {
          const next = first?.next ?? 0;
          const due = next > this.lastWoken && next - Date.now() < WAKE_LOOKAHEAD_MS;
          if (due) this.setWakeTimer(() => this.wakeWhenDue(first.key, next), next - Date.now());
          else this.setWakeTimer(() => this.armWake(), WAKE_LOOKAHEAD_MS);
        },
        // Redis unavailable: BullMQ's own wait applies meanwhile; look again later.
        () => this.setWakeTimer(() => this.armWake(), WAKE_LOOKAHEAD_MS),
      )
      .finally(() => {
        this.arming = false;
        if (this.armAgain) {
          this.armAgain = false;
          this.armWake();
        }
      });
  }

  private setWakeTimer(wake: () => void, delayMs: number): void {
    if (!this.worker) return;
    clearTimeout(this.wakeTimer);
    this.wakeTimer = setTimeout(wake, Math.max(0, delayMs));
    this.wakeTimer.unref();
  }

  private wakeWhenDue(schedulerId: string, next: number): void {
    // A timer can fire a little early (libuv counts from its cached loop time): never before.
    const early = next - Date.now();
    if (early > 0) return this.setWakeTimer(() => this.wakeWhenDue(schedulerId, next), early);
    this.lastWoken = next;
    void this.queue
      .getJob(`repeat:${schedulerId}:${next}`)
      .then((job) => job?.promote())
      // Taken meanwhile (by the worker or another process), or replaced: nothing to wake.
      .catch(() => undefined)
      .finally(() => this.armWake());
  }

  /** The registered schedulers, as BullMQ keeps them. */
  async list(): Promise<JobSchedulerJson<D>[]> {
    return (await this.queue.getJobSchedulers()) as JobSchedulerJson<D>[];
  }

  /** Stops taking jobs (the ones in progress finish) and closes the queue. */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    clearTimeout(this.wakeTimer);
    await worker?.close();
    await this.queue.close();
  }
}
