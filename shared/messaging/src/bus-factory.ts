import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Kysely } from 'kysely';
import type { ConsumerName } from '@flowgenie/contracts';
import type { BusEnv, Logger, PayloadEnv, Redis } from '@flowgenie/platform';
import { EventBridgePublisher } from './aws/eventbridge-publisher';
import { S3PayloadStore } from './aws/s3-payload-store';
import { SqsEventConsumer } from './aws/sqs-consumer';
import { LocalEventConsumer, LocalEventPublisher } from './local/local-bus';
import { PgPayloadStore } from './outbox/pg-payload-store';
import { PayloadClaimCheck, type PayloadStore } from './payload-store';
import type { EventConsumer, EventPublisher } from './ports';

/** The part of a service's configuration the factories read (`busEnv` + `redisEnv`'s prefix). */
export type EventBusConfig = Pick<BusEnv, 'EVENT_BUS'> &
  Partial<
    Pick<
      BusEnv,
      | 'EVENT_BUS_NAME'
      | 'EVENTS_QUEUE_URL'
      | 'EVENTS_DLQ_URL'
      | 'QUEUE_URL'
      | 'SQS_WAIT_TIME_SECONDS'
      | 'EVENTS_IN_PROCESS'
    >
  > & {
    REDIS_PREFIX: string;
  };

export interface EventBusDeps {
  /** The local bus's connection (a client created with `maxRetriesPerRequest: null`); unused with EVENT_BUS=aws. */
  redis: Redis;
  logger: Logger;
  /** AWS: the client to use. @default a client from the environment's region and credentials */
  eventBridge?: EventBridgeClient;
  /** AWS: the client to use. @default a client from the environment's region and credentials */
  sqs?: SQSClient;
  /** AWS: seconds of the consumer's long poll (tests: a local SQS answers only at its end). @default SQS_WAIT_TIME_SECONDS */
  sqsWaitTimeSeconds?: number;
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
      return new LocalEventPublisher({
        connection: deps.redis,
        prefix: config.REDIS_PREFIX,
        inProcess: config.EVENTS_IN_PROCESS,
      });
    case 'aws': {
      if (!config.EVENT_BUS_NAME)
        throw new Error('EVENT_BUS=aws needs EVENT_BUS_NAME (the EventBridge bus)');
      return new EventBridgePublisher({
        client: deps.eventBridge ?? new EventBridgeClient({}),
        busName: config.EVENT_BUS_NAME,
      });
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
export function createEventConsumer(
  consumer: ConsumerName,
  config: EventBusConfig,
  deps: EventBusDeps,
): EventConsumer {
  switch (config.EVENT_BUS) {
    case 'local':
      return new LocalEventConsumer(consumer, {
        connection: deps.redis,
        prefix: config.REDIS_PREFIX,
        logger: deps.logger,
        inProcess: config.EVENTS_IN_PROCESS,
      });
    case 'aws': {
      const queueUrl = config.EVENTS_QUEUE_URL ?? config.QUEUE_URL;
      if (!queueUrl)
        throw new Error(
          `EVENT_BUS=aws needs EVENTS_QUEUE_URL (the SQS queue of consumer ${consumer})`,
        );
      const client = deps.sqs ?? new SQSClient({});
      const sqs = new SqsEventConsumer(consumer, {
        client,
        queueUrl,
        deadLetterQueueUrl: config.EVENTS_DLQ_URL,
        logger: deps.logger,
        waitTimeSeconds: deps.sqsWaitTimeSeconds ?? config.SQS_WAIT_TIME_SECONDS,
      });
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

export interface PayloadStoreDeps {
  /** The service's database (PAYLOAD_STORE=local keeps payloads in its `payloads` schema). */
  db: Kysely<unknown>;
  logger: Logger;
  /** AWS: the client to use. @default a client from the environment's region and credentials */
  s3?: S3Client;
}

/**
 * The payload store configuration asks for: the `payloads` schema of the service's database
 * (`PAYLOAD_STORE=local`, created when missing) or objects in PAYLOAD_BUCKET (`PAYLOAD_STORE=s3`).
 *
 * @example
 * const store = await createPayloadStore(config, { db, logger });
 */
export async function createPayloadStore(
  config: PayloadEnv,
  deps: PayloadStoreDeps,
): Promise<PayloadStore> {
  switch (config.PAYLOAD_STORE) {
    case 'local':
      return PgPayloadStore.open(deps.db, { logger: deps.logger });
    case 's3': {
      if (!config.PAYLOAD_BUCKET)
        throw new Error('PAYLOAD_STORE=s3 needs PAYLOAD_BUCKET (the S3 bucket of large payloads)');
      return new S3PayloadStore({
        client: deps.s3 ?? new S3Client({}),
        bucket: config.PAYLOAD_BUCKET,
        ownsClient: !deps.s3,
      });
    }
  }
}

/**
 * The claim check with the configured store, inline limit and retention.
 *
 * @example
 * const claims = await createPayloadClaimCheck(config, { db, logger });
 * const travelling = await claims.checkIn(payload, `triggered/${executionId}`);
 */
export async function createPayloadClaimCheck(
  config: PayloadEnv,
  deps: PayloadStoreDeps,
): Promise<{ claims: PayloadClaimCheck; store: PayloadStore }> {
  const store = await createPayloadStore(config, deps);
  const claims = new PayloadClaimCheck({
    store,
    inlineMaxBytes: config.PAYLOAD_INLINE_MAX_BYTES,
    retentionMs: config.PAYLOAD_RETENTION_DAYS * 24 * 3600_000,
  });
  return { claims, store };
}
