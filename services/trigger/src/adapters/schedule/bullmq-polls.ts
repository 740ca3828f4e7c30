import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '@flowgenie/platform';
import type { PollRegistry } from '../../ports/poll-registry';

export const POLLS_QUEUE = 'trigger-polls';

interface PollJobData {
  workflowId: string;
}

/**
 * The local poll backend: one BullMQ job scheduler per polling trigger (id = workflow id, `every`
 * the trigger's interval) on the `trigger-polls` queue, and a worker that runs each poll. A poll
 * is not retried by BullMQ: a failed one is recorded and the next interval tries again.
 *
 * @example
 * const polls = new BullmqPolls({ connection, prefix, logger });
 * await polls.start((workflowId) => pollTrigger.execute(workflowId));
 * await polls.upsert(workflowId, 60_000);
 */
export class BullmqPolls implements PollRegistry {
  private readonly queue: Queue<PollJobData>;
  private worker?: Worker<PollJobData>;

  constructor(
    private readonly opts: {
      connection: Redis;
      prefix: string;
      logger: Logger;
      concurrency?: number;
    },
  ) {
    this.queue = new Queue<PollJobData>(POLLS_QUEUE, {
      connection: opts.connection,
      prefix: opts.prefix,
    });
    this.queue.on('error', () => undefined);
  }

  async upsert(workflowId: string, everyMs: number): Promise<void> {
    await this.queue.upsertJobScheduler(
      workflowId,
      { every: everyMs },
      {
        name: 'poll',
        data: { workflowId },
        opts: {
          attempts: 1,
          removeOnComplete: true,
          removeOnFail: { age: 24 * 3600, count: 1000 },
        },
      },
    );
  }

  async pollNow(workflowId: string): Promise<void> {
    await this.queue.add(
      'poll',
      { workflowId },
      { attempts: 1, removeOnComplete: true, removeOnFail: { age: 24 * 3600, count: 1000 } },
    );
  }

  async remove(workflowId: string): Promise<void> {
    await this.queue.removeJobScheduler(workflowId);
  }

  async start(onPoll: (workflowId: string) => Promise<unknown>): Promise<void> {
    this.worker = new Worker<PollJobData>(
      POLLS_QUEUE,
      async (job: Job<PollJobData>) => {
        await onPoll(job.data.workflowId);
      },
      {
        connection: this.opts.connection,
        prefix: this.opts.prefix,
        concurrency: this.opts.concurrency ?? 4,
      },
    );
    this.worker.on('failed', (job, err) =>
      this.opts.logger.warn(
        { workflowId: job?.data.workflowId, err: err.message },
        'trigger poll failed',
      ),
    );
    this.worker.on('error', (err) => this.opts.logger.error({ err }, 'poll worker error'));
    await this.worker.waitUntilReady();
  }

  /** The registered polls (operators, tests, the status API's next poll time). */
  async list(): Promise<
    Array<{ workflowId: string; everyMs: number | null; next: number | null }>
  > {
    const schedulers = await this.queue.getJobSchedulers();
    return schedulers.map((s) => ({
      workflowId: s.key,
      everyMs: s.every ? Number(s.every) : null,
      next: s.next ?? null,
    }));
  }

  async stop(): Promise<void> {
    await this.worker?.close();
    this.worker = undefined;
    await this.queue.close();
  }
}
