import { Queue } from 'bullmq';
import { createLogger, createRedis } from '@flowgenie/platform';
import { testRedisPrefix, TEST_REDIS_URL } from '@flowgenie/testing';
import {
  LocalDeadLetterStore,
  LocalEventConsumer,
  LocalEventPublisher,
  consumerQueueName,
} from '../src/local';
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
