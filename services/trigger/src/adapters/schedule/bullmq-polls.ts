import type { Redis } from 'ioredis';
import type { Logger } from '@flowgenie/platform';
import type { PollRegistry } from '../../ports/poll-registry';
import { BullmqJobSchedulers } from './bullmq-job-schedulers';

export const POLLS_QUEUE = 'trigger-polls';

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
  private readonly schedulers: BullmqJobSchedulers;

  constructor(opts: { connection: Redis; prefix: string; logger: Logger; concurrency?: number }) {
    this.schedulers = new BullmqJobSchedulers({
      ...opts,
      queue: POLLS_QUEUE,
      jobName: 'poll',
      jobOptions: {
        attempts: 1,
        removeOnComplete: true,
        removeOnFail: { age: 24 * 3600, count: 1000 },
      },
      what: 'trigger poll',
      concurrency: opts.concurrency ?? 4,
    });
  }

  async upsert(workflowId: string, everyMs: number): Promise<void> {
    await this.schedulers.upsert(workflowId, { every: everyMs }, { workflowId });
  }

  async pollNow(workflowId: string): Promise<void> {
    await this.schedulers.add({ workflowId });
  }

  async remove(workflowId: string): Promise<void> {
    await this.schedulers.remove(workflowId);
  }

  async start(onPoll: (workflowId: string) => Promise<unknown>): Promise<void> {
    await this.schedulers.start((job) => onPoll(job.data.workflowId));
  }

  /** The registered polls (operators, tests, the status API's next poll time). */
  async list(): Promise<
    Array<{ workflowId: string; everyMs: number | null; next: number | null }>
  > {
    return (await this.schedulers.list()).map((s) => ({
      workflowId: s.key,
      everyMs: s.every ? Number(s.every) : null,
      next: s.next ?? null,
    }));
  }

  async stop(): Promise<void> {
    await this.schedulers.stop();
  }
}
