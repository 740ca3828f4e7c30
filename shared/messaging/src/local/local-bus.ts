import { Queue, Worker, UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  consumersOf,
  consumerNames,
  type ConsumerName,
  type PlatformEvent,
} from '@flowgenie/contracts';
import { afterForeground, runWithCorrelation, type Logger } from '@flowgenie/platform';
import { parseEvent, InvalidEventError } from '../envelope';
import type {
  DeadLetter,
  DeadLetterStore,
  EventConsumer,
  EventHandlers,
  EventPublisher,
} from '../ports';

export interface LocalBusOptions {
  /** A client created with `maxRetriesPerRequest: null` (BullMQ needs it). */
  connection: Redis;
  /** Key prefix of this deployment (tests use a fresh one). */
  prefix: string;
  /**
   * Hand an event to its consumer directly when that consumer runs in this process with the same
   * prefix and `inProcess` too (the one-process mode); its queue is used only when that fails.
   */
  inProcess?: boolean;
}

type Deliver = (event: PlatformEvent) => Promise<void>;
/** The consumers running in this process that take events directly, by prefix and name. */
const inProcessConsumers = new Map<string, Deliver>();
const inProcessKey = (prefix: string, consumer: ConsumerName) => `${prefix}\u0000${consumer}`;

/** Delivery attempts before an event is dead-lettered (the first try included). */
export const EVENT_ATTEMPTS = 6;

/** Dead letters kept per consumer queue (older ones are dropped past this count or after 7 days). */
export const DEAD_LETTERS_KEPT = 1000;

export const consumerQueueName = (consumer: ConsumerName) => `events-${consumer}`;

const jobOptions = {
  attempts: EVENT_ATTEMPTS,
  backoff: { type: 'consumer' },
  // A handled event lives on in the consumer's inbox and the producer's outbox (for their
  // retention): its job keeps nothing, so a burst of large events cannot fill Redis.
  removeOnComplete: true,
  // Failed jobs are the dead letters, kept for an operator to replay, but bounded: a week, and at
  // most DEAD_LETTERS_KEPT per consumer queue (the oldest go first).
  removeOnFail: { age: 7 * 24 * 3600, count: DEAD_LETTERS_KEPT },
};

/**
 * The local bus: publishing puts a copy of the event on the BullMQ queue of every consumer the
 * routing table names for its type. The job id is the event id, so a republished event whose
 * copy is still queued is not queued twice.
 *
 * @example
 * const bus = new LocalEventPublisher({ connection: createRedis(url), prefix: 'fg' });
 * await bus.publish([createEvent('workflow.deleted', data, { source: 'workflow-catalog' })]);
 */
export class LocalEventPublisher implements EventPublisher {
  private readonly queues = new Map<ConsumerName, Queue>();
  constructor(private readonly opts: LocalBusOptions) {}

  /**
   * Resolves once every consumer has each event: on its queue, or, for a consumer of this process
   * (`inProcess`), handled. The outbox relay marks the events published only then, so an event a
   * crash interrupts in a consumer is published again and the consumer's inbox drops the copy.
   */
  async publish(events: PlatformEvent[]): Promise<void> {
    const byQueue = new Map<ConsumerName, PlatformEvent[]>();
    for (const raw of events) {
      const event = parseEvent(raw); // validated on publish as well as on receipt
      const consumers = consumersOf(event.type);
      for (const consumer of consumers) {
        // Each consumer its own copy (a queue gives it one too): none sees another's changes.
        const copy = consumers.length > 1 ? structuredClone(event) : event;
        const list = byQueue.get(consumer);
        if (list) list.push(copy);
        else byQueue.set(consumer, [copy]);
      }
    }
    await Promise.all(
      [...byQueue].map(async ([consumer, list]) => {
        const queued = await this.handOver(consumer, list);
        if (queued.length === 0) return;
        await this.queue(consumer).addBulk(
          queued.map((e) => ({ name: e.type, data: e, opts: { ...jobOptions, jobId: e.id } })),
        );
      }),
    );
  }

  /** Hands `events` to the consumer when it runs here; returns those left for its queue. */
  private async handOver(consumer: ConsumerName, events: PlatformEvent[]) {
    const deliver = this.opts.inProcess
      ? inProcessConsumers.get(inProcessKey(this.opts.prefix, consumer))
      : undefined;
    if (!deliver) return events;
    // A failed handling goes to the queue, whose retries, backoff and dead letters take over.
    const handled = await Promise.all(
      events.map((event) =>
        deliver(event).then(
          () => true,
          () => false,
        ),
      ),
    );
    return events.filter((_, i) => !handled[i]);
  }

  private queue(consumer: ConsumerName): Queue {
    let q = this.queues.get(consumer);
    if (!q) {
      q = new Queue(consumerQueueName(consumer), {
        connection: this.opts.connection,
        prefix: this.opts.prefix,
      });
      // Connection errors are reported once by the Redis client (createRedis); BullMQ reconnects.
      q.on('error', () => undefined);
      this.queues.set(consumer, q);
    }
    return q;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}

export class LocalEventConsumer implements EventConsumer {
  private worker?: Worker;
  private registered?: string;
  constructor(
    readonly consumer: ConsumerName,
    private readonly opts: LocalBusOptions & {
      logger: Logger;
      concurrency?: number;
      /** Base of the exponential redelivery backoff (ms); tests shorten it. */
      backoffMs?: number;
    },
  ) {}

  async start(handlers: EventHandlers): Promise<void> {
    const { logger } = this.opts;
    // One way to handle an event, whether the queue or the publisher of this process delivers it.
    const handle = async (
      event: PlatformEvent,
      failure: Record<string, unknown>,
      opts: { waitForForeground: boolean },
    ) => {
      const handler = handlers[event.type] as ((e: PlatformEvent) => Promise<void>) | undefined;
      if (!handler) return;
      // Firings being recorded in this process go first (see inForeground); an event handed over
      // in process comes from a relay that has already waited for them.
      if (opts.waitForForeground) await afterForeground();
      await runWithCorrelation(event.correlationId, async () => {
        try {
          await handler(event);
        } catch (err) {
          logger.warn(
            { err, eventId: event.id, type: event.type, ...failure },
            'event handler failed',
          );
          throw err;
        }
      });
    };
    if (this.opts.inProcess) {
      const limit = new Semaphore(this.opts.concurrency ?? 16);
      this.registered = inProcessKey(this.opts.prefix, this.consumer);
      inProcessConsumers.set(this.registered, (event) =>
        limit.run(() =>
          handle(event, { inProcess: true, then: 'queued' }, { waitForForeground: false }),
        ),
      );
    }
    this.worker = new Worker(
      consumerQueueName(this.consumer),
      async (job: Job) => {
        let event: PlatformEvent;
        try {
          event = parseEvent(job.data);
        } catch (err) {
          // A malformed event can never succeed: dead-letter it at once.
          throw new UnrecoverableError(
            err instanceof InvalidEventError ? err.message : String(err),
          );
        }
        await handle(event, { attempt: job.attemptsMade + 1 }, { waitForForeground: true });
      },
      {
        connection: this.opts.connection,
        prefix: this.opts.prefix,
        concurrency: this.opts.concurrency ?? 16,
        autorun: true,
        settings: {
          // Redelivery delay is the consumer's choice, whatever the publisher put on the job.
          backoffStrategy: (attemptsMade: number) =>
            (this.opts.backoffMs ?? 200) * 2 ** Math.max(0, attemptsMade - 1),
        },
      },
    );
    this.worker.on('failed', (job, err) => {
      if (
        job &&
        (job.attemptsMade >= (job.opts.attempts ?? 1) || err instanceof UnrecoverableError)
      ) {
        logger.error({ eventId: job.id, type: job.name, err: err.message }, 'event dead-lettered');
      }
    });
    this.worker.on('error', (err) => logger.error({ err }, 'event consumer error'));
    await this.worker.waitUntilReady();
  }

  async stop(): Promise<void> {
    if (this.registered) inProcessConsumers.delete(this.registered);
    this.registered = undefined;
    if (!this.worker) return;
    await this.worker.close();
    this.worker = undefined;
  }
}

/** At most `size` tasks at once (the consumer's concurrency, as its BullMQ worker has). */
class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((r) => this.waiting.push(r));
    this.active += 1;
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }
}

/** Dead letters of the local bus: the failed set of each consumer's queue. */
export class LocalDeadLetterStore implements DeadLetterStore {
  private readonly queues = new Map<ConsumerName, Queue>();
  constructor(private readonly opts: LocalBusOptions) {}

  private queue(consumer: ConsumerName): Queue {
    if (!consumerNames.includes(consumer)) throw new Error(`unknown consumer ${consumer}`);
    let q = this.queues.get(consumer);
    if (!q) {
      q = new Queue(consumerQueueName(consumer), {
        connection: this.opts.connection,
        prefix: this.opts.prefix,
      });
      // Connection errors are reported once by the Redis client (createRedis); BullMQ reconnects.
      q.on('error', () => undefined);
      this.queues.set(consumer, q);
    }
    return q;
  }

  async list(consumer: ConsumerName, opts: { limit?: number } = {}): Promise<DeadLetter[]> {
    const jobs = await this.queue(consumer).getFailed(0, (opts.limit ?? 100) - 1);
    return jobs.map((job) => ({
      id: job.id!,
      consumer,
      event: job.data as PlatformEvent,
      error: job.failedReason,
      attempts: job.attemptsMade,
      failedAt: new Date(job.finishedOn ?? job.timestamp).toISOString(),
    }));
  }

  async replay(consumer: ConsumerName, id: string): Promise<boolean> {
    const job = await this.queue(consumer).getJob(id);
    if (!job || !(await job.isFailed())) return false;
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    return true;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
