import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import {
  createLogger,
  createRedis,
  FOREGROUND_MAX_WAIT_MS,
  inForeground,
} from '@flowgenie/platform';
import { testRedisPrefix, TEST_REDIS_URL } from '@flowgenie/testing';
import {
  LocalDeadLetterStore,
  LocalEventConsumer,
  LocalEventPublisher,
  consumerQueueName,
} from '../src/local';
import { createEvent } from '../src/envelope';
import { describeEventBus } from '../src/testing/conformance';

const logger = createLogger({ service: 'test', level: 'silent' });

describeEventBus('local (BullMQ on Redis)', async () => {
  const connection = createRedis(TEST_REDIS_URL);
  const prefix = testRedisPrefix('bus');
  const publisher = new LocalEventPublisher({ connection, prefix });
  const deadLetters = new LocalDeadLetterStore({ connection, prefix });
  const raw: Queue[] = [];
  return {
    publisher,
    deadLetters,
    // Tiny backoff so redelivery tests stay fast; same code path as production otherwise.
    consumer: (name) => new LocalEventConsumer(name, { connection, prefix, logger, backoffMs: 10 }),
    publishRaw: async (consumer, message) => {
      const q = new Queue(consumerQueueName(consumer), { connection, prefix });
      raw.push(q);
      await q.add('raw', message, { attempts: 3 });
    },
    close: async () => {
      await Promise.all(raw.map((q) => q.close()));
      await publisher.close();
      await deadLetters.close();
      await connection.quit();
    },
  };
});

// The one-process mode: the same contract when the bus hands events to consumers of this process
// directly, their queues taking what a handler fails (redelivery, dead letters, replay).
describeEventBus('local, consumers in this process (EVENTS_IN_PROCESS)', async () => {
  const connection = createRedis(TEST_REDIS_URL);
  const prefix = testRedisPrefix('bus_inproc');
  const publisher = new LocalEventPublisher({ connection, prefix, inProcess: true });
  const deadLetters = new LocalDeadLetterStore({ connection, prefix });
  const raw: Queue[] = [];
  return {
    publisher,
    deadLetters,
    consumer: (name) =>
      new LocalEventConsumer(name, { connection, prefix, logger, backoffMs: 10, inProcess: true }),
    publishRaw: async (consumer, message) => {
      const q = new Queue(consumerQueueName(consumer), { connection, prefix });
      raw.push(q);
      await q.add('raw', message, { attempts: 3 });
    },
    close: async () => {
      await Promise.all(raw.map((q) => q.close()));
      await publisher.close();
      await deadLetters.close();
      await connection.quit();
    },
  };
});

describe('the local bus with consumers in this process', () => {
  const connection = createRedis(TEST_REDIS_URL);
  const prefix = testRedisPrefix('bus_inproc_direct');
  afterAll(() => connection.quit());

  /** A publisher and consumers that take events in process, on `busPrefix`. */
  const inProcessBus = (busPrefix: string, ...names: Array<'trigger' | 'execution'>) => ({
    publisher: new LocalEventPublisher({ connection, prefix: busPrefix, inProcess: true }),
    consumers: names.map(
      (name) =>
        new LocalEventConsumer(name, { connection, prefix: busPrefix, logger, inProcess: true }),
    ),
  });
  const deleted = (workflowId: string = randomUUID()) =>
    createEvent('workflow.deleted', { workflowId, ownerId: randomUUID() }, { source: 'test' });

  it('hands an event to a consumer of this process before publish resolves, leaving its queue empty', async () => {
    const {
      publisher,
      consumers: [consumer],
    } = inProcessBus(prefix, 'trigger');
    const seen: string[] = [];
    await consumer.start({ 'workflow.deleted': async (e) => void seen.push(e.id) });
    const event = deleted();
    try {
      await publisher.publish([event]);
      expect(seen).toEqual([event.id]);
      const queue = new Queue(consumerQueueName('trigger'), { connection, prefix });
      expect(await queue.getJobCounts('waiting', 'active', 'completed', 'failed')).toEqual({
        waiting: 0,
        active: 0,
        completed: 0,
        failed: 0,
      });
      await queue.close();
    } finally {
      await consumer.stop();
      await publisher.close();
    }
  });

  it('does not hold an event handed over in process behind foreground work again (its relay waited already)', async () => {
    const {
      publisher,
      consumers: [consumer],
    } = inProcessBus(testRedisPrefix('bus_inproc_foreground'), 'trigger');
    const seen: string[] = [];
    await consumer.start({ 'workflow.deleted': async (e) => void seen.push(e.id) });
    let finish!: () => void;
    const foreground = inForeground(() => new Promise<void>((r) => (finish = r)));
    const event = deleted();
    try {
      const started = Date.now();
      await publisher.publish([event]);
      expect(seen).toEqual([event.id]);
      expect(Date.now() - started).toBeLessThan(FOREGROUND_MAX_WAIT_MS / 2);
    } finally {
      finish();
      await foreground;
      await consumer.stop();
      await publisher.close();
    }
  });

  it('gives each consumer of this process its own copy of an event', async () => {
    // A prefix of its own: the queues above hold copies for consumers that were not running.
    const {
      publisher,
      consumers: [trigger, execution],
    } = inProcessBus(testRedisPrefix('bus_inproc_copies'), 'trigger', 'execution');
    const seen: string[] = [];
    await trigger.start({
      'workflow.deleted': async (e) => {
        seen.push(`trigger:${e.data.workflowId}`);
        (e.data as { workflowId: string }).workflowId = 'changed by trigger';
      },
    });
    await execution.start({
      'workflow.deleted': async (e) => {
        await new Promise((r) => setTimeout(r, 20));
        seen.push(`execution:${e.data.workflowId}`);
      },
    });
    const workflowId = randomUUID();
    const event = deleted(workflowId);
    try {
      await publisher.publish([event]);
      expect(seen.sort()).toEqual([`execution:${workflowId}`, `trigger:${workflowId}`]);
    } finally {
      await trigger.stop();
      await execution.stop();
      await publisher.close();
    }
  });
});
