import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ConsumerName } from '@flowgenie/contracts';
import type { BusEnv, Logger, Redis } from '@flowgenie/platform';
import { EventBridgePublisher } from './aws/eventbridge-publisher';
import { SqsEventConsumer } from './aws/sqs-consumer';
import { LocalEventConsumer, LocalEventPublisher } from './local/local-bus';
import type { EventConsumer, EventPublisher } from './ports';

/** The part of a service's configuration the factories read (`busEnv` + `redisEnv`'s prefix). */
export type EventBusConfig = Pick<BusEnv, 'EVENT_BUS'> &
  Partial<Pick<BusEnv, 'EVENT_BUS_NAME' | 'EVENTS_QUEUE_URL' | 'EVENTS_DLQ_URL' | 'QUEUE_URL'>> & { REDIS_PREFIX: string };

export interface EventBusDeps {
  /** The local bus's connection (a client created with `maxRetriesPerRequest: null`); unused with EVENT_BUS=aws. */
  redis: Redis;
  logger: Logger;
  /** AWS: the client to use. @default a client from the environment's region and credentials */
  eventBridge?: EventBridgeClient;
  /** AWS: the client to use. @default a client from the environment's region and credentials */
  sqs?: SQSClient;
}

/**
 * The event publisher configuration asks for: BullMQ fan-out on Redis (`EVENT_BUS=local`) or
 * EventBridge PutEvents to EVENT_BUS_NAME (`EVENT_BUS=aws`). Give it to the outbox relay.
 *
 * @example
 * const publisher = createEventPublisher(config, { redis, logger });
 * const relay = new OutboxRelay({ db, schema, databaseUrl: config.DATABASE_URL, publisher, logger });
 */
export function createEventPublisher(config: EventBusConfig, deps: EventBusDeps): EventPublisher {
  switch (config.EVENT_BUS) {
    case 'local':
      return new LocalEventPublisher({ connection: deps.redis, prefix: config.REDIS_PREFIX });
    case 'aws': {
      if (!config.EVENT_BUS_NAME) throw new Error('EVENT_BUS=aws needs EVENT_BUS_NAME (the EventBridge bus)');
      return new EventBridgePublisher({ client: deps.eventBridge ?? new EventBridgeClient({}), busName: config.EVENT_BUS_NAME });
    }
  }
}

/**
 * The consumer of `consumer`'s queue that configuration asks for: a BullMQ worker
 * (`EVENT_BUS=local`) or an SQS long-poll consumer of EVENTS_QUEUE_URL (`EVENT_BUS=aws`; an event
 * that fails its schema goes to EVENTS_DLQ_URL at once when it is set). A Lambda does not start
 * it: its SQS event source calls `createSqsBatchHandler` with the same handlers.
 *
 * @example
 * const consumer = createEventConsumer('workflow-catalog', config, { redis, logger });
 * await consumer.start(handlers);
 */
export function createEventConsumer(consumer: ConsumerName, config: EventBusConfig, deps: EventBusDeps): EventConsumer {
  switch (config.EVENT_BUS) {
    case 'local':
      return new LocalEventConsumer(consumer, { connection: deps.redis, prefix: config.REDIS_PREFIX, logger: deps.logger });
    case 'aws': {
      const queueUrl = config.EVENTS_QUEUE_URL ?? config.QUEUE_URL;
      if (!queueUrl) throw new Error(`EVENT_BUS=aws needs EVENTS_QUEUE_URL (the SQS queue of consumer ${consumer})`);
      const client = deps.sqs ?? new SQSClient({});
      const sqs = new SqsEventConsumer(consumer, { client, queueUrl, deadLetterQueueUrl: config.EVENTS_DLQ_URL, logger: deps.logger });
      if (deps.sqs) return sqs;
      // The client is ours: close its sockets with the consumer.
      return {
        consumer,
        start: (handlers) => sqs.start(handlers),
        async stop() {
          await sqs.stop();
          client.destroy();
        },
      };
    }
  }
}
