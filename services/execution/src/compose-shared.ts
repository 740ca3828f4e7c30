import fs from 'node:fs';
import type { Kysely } from 'kysely';
import { createEventPublisher, createPayloadClaimCheck } from '@flowgenie/messaging/factory';
import { OutboxRelay } from '@flowgenie/messaging/outbox';
import {
  createLogger,
  createRedis,
  openMigratedDb,
  type Logger,
  closeRedis,
} from '@flowgenie/platform';
import type { HttpPolicy } from '@flowgenie/workflow';
import { migrations } from './adapters/persistence/migrations';
import { PgExecutionStore } from './adapters/persistence/execution.store';
import type { ExecutionDb } from './adapters/persistence/execution.table';
import { BullStepQueue } from './adapters/queue/bull-step-queue';
import { RedisWebhookResponder } from './adapters/messaging/redis-webhook-responder';
import { SCHEMA, type Config } from './config';

/**
 * What both processes (API + consumer, executor) are built on: the database (migrated), one
 * Redis client, the steps queue producer, the webhook responder and the outbox relay.
 */
export async function composeInfrastructure(
  config: Config,
  opts: { logger?: Logger; service: string; poolSize?: number },
) {
  const logger =
    opts.logger ??
    createLogger({ service: opts.service, level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const db = await openMigratedDb<ExecutionDb>({
    url: config.DATABASE_URL,
    schema: SCHEMA,
    migrations,
    max: opts.poolSize,
    logger,
  });
  const redis = createRedis(config.REDIS_URL, { logger });
  const store = new PgExecutionStore(db, SCHEMA);
  const queue = new BullStepQueue({ connection: redis, prefix: config.REDIS_PREFIX });
  const responder = new RedisWebhookResponder(redis, config.REDIS_PREFIX);
  const publisher = createEventPublisher(config, { redis, logger });
  // Trigger payloads stored by reference (claim check) are read through it.
  const payloads = await createPayloadClaimCheck(config, {
    db: db as unknown as Kysely<unknown>,
    logger,
  });
  const relay = new OutboxRelay({
    db: db as unknown as Kysely<unknown>,
    schema: SCHEMA,
    databaseUrl: config.DATABASE_URL,
    publisher,
    logger,
  });
  return {
    logger,
    db,
    redis,
    store,
    queue,
    responder,
    relay,
    /** Reads trigger payloads stored by reference. */
    payloads: payloads.claims,
    /** Closes what this module opened, in dependency order. */
    async close(): Promise<void> {
      await relay.stop();
      await publisher.close();
      await payloads.store.close();
      await queue.close();
      await closeRedis(redis);
      await db.destroy();
    },
  };
}

/** Outbound HTTP policy of steps from configuration. */
export function httpPolicyOf(config: Config): HttpPolicy {
  return {
    allowLoopback: config.HTTP_ALLOW_LOOPBACK,
    allowPrivateNetworks: config.HTTP_ALLOW_PRIVATE_NETWORKS,
    ...(config.HTTP_CA_FILE ? { ca: fs.readFileSync(config.HTTP_CA_FILE) } : {}),
  };
}
