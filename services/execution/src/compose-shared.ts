import fs from 'node:fs';
import type { Kysely } from 'kysely';
import { createPayloadClaimCheck } from '@flowgenie/messaging/factory';
import { TableRetention } from '@flowgenie/platform';
import type { HttpPolicy } from '@flowgenie/workflow';
import type { Infra, Lifecycle } from '@flowgenie/runtime';
import { migrations } from './adapters/persistence/migrations';
import { PgExecutionStore } from './adapters/persistence/execution.store';
import type { ExecutionDb } from './adapters/persistence/execution.table';
import { HandingStepQueue, processStepsOf } from './adapters/memory/in-process-steps';
import { BullStepQueue } from './adapters/queue/bull-step-queue';
import { RedisWebhookResponder } from './adapters/messaging/redis-webhook-responder';
import { loadConfig, SCHEMA, type Config } from './config';

/** What both processes' definitions share: config, schema, migrations, an outbox. */
export const executionBase = {
  loadConfig,
  schema: SCHEMA,
  migrations,
  outbox: true,
} as const;

/**
 * What both processes (API + consumer, executor) are built on, over the host's database and
 * Redis: the store, the steps queue producer, the webhook responder and the reader of trigger
 * payloads stored by reference (claim check); `closeAll` is the lifecycle that closes them.
 */
export async function executionPorts({ config, db, redis, logger }: Infra<Config, ExecutionDb>) {
  const store = new PgExecutionStore(db, SCHEMA, { events: config.EXECUTION_EVENTS });
  const queue = new BullStepQueue({ connection: redis, prefix: config.REDIS_PREFIX });
  // What the engine queues: a step an executor of this process takes is handed to it instead
  // of going through Redis (the one-process mode); `queue` is the queue itself.
  const steps = new HandingStepQueue(queue, processStepsOf(config.REDIS_PREFIX));
  const responder = new RedisWebhookResponder(redis, config.REDIS_PREFIX);
  // Trigger payloads stored by reference (claim check) are read through it.
  const claimCheck = await createPayloadClaimCheck(config, {
    db: db as unknown as Kysely<unknown>,
    logger,
  });
  const closeAll: Lifecycle = {
    stop: async () => {
      await claimCheck.store.close();
      await queue.close();
    },
  };
  return { store, queue, steps, responder, payloads: claimCheck.claims, closeAll };
}

/** Outbound HTTP policy of steps from configuration. */
export function httpPolicyOf(config: Config): HttpPolicy {
  return {
    allowLoopback: config.HTTP_ALLOW_LOOPBACK,
    allowPrivateNetworks: config.HTTP_ALLOW_PRIVATE_NETWORKS,
    ...(config.HTTP_CA_FILE ? { ca: fs.readFileSync(config.HTTP_CA_FILE) } : {}),
  };
}

/**
 * The history kept to EXECUTIONS_RETENTION_DAYS: finished executions deleted that long after they
 * ended, their steps with them (cascade), 500 executions to a statement. Run by both processes
 * (on AWS the API is a Lambda, warm only while called; the executor's container runs on), side by
 * side. Undefined when the setting is 0: kept for ever.
 */
export function historyRetentionOf({
  config,
  db,
  logger,
}: Infra<Config, ExecutionDb>): TableRetention | undefined {
  const days = config.EXECUTIONS_RETENTION_DAYS;
  if (days <= 0) return undefined;
  return new TableRetention({
    db,
    logger,
    what: 'finished executions',
    tables: [
      {
        table: 'executions',
        timeColumn: 'finished_at',
        keepMs: days * 86_400_000,
        rowsPerStatement: 500,
      },
    ],
  });
}
