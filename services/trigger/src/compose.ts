import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { createPayloadClaimCheck } from '@flowgenie/messaging/factory';
import {
  closeRedis,
  createRedis,
  EnvelopeSecrets,
  functionUrlFetch,
  openEnvelopeSecrets,
  TableRetention,
} from '@flowgenie/platform';
import {
  createHost,
  defineService,
  retentionLifecycle,
  type HostOptions,
  type Infra,
  type Wiring,
} from '@flowgenie/runtime';
import { WORKFLOW_SECRET_CONTEXT } from '@flowgenie/contracts';
import { loadInternalServiceToken, type ConnectionAccess } from '@flowgenie/integrations';
import { registerIntegrationNodeTypes } from '@flowgenie/integrations/node-types';
import { composeIntegrationTriggers, type IntegrationTriggers } from './compose-integrations';
import { FireSchedule } from './app/fire-schedule';
import { ReceiveWebhook } from './app/receive-webhook';
import { RunWorkflow } from './app/run-workflow';
import { TestWebhooks } from './app/test-webhook';
import { WorkflowLifecycle } from './app/workflow-lifecycle';
import { CatalogWorkflowSpecSource } from './adapters/http/catalog-spec-source';
import { TRIGGER_ERROR_STATUS } from './adapters/http/error-status';
import { hookBodyErrorCounter, hookRoutes } from './adapters/http/hooks.routes';
import { prometheusTriggerMetrics } from './adapters/http/prometheus-metrics';
import { runRoutes } from './adapters/http/runs.routes';
import { testWebhookRoutes } from './adapters/http/test-webhook.routes';
import { RedisTestListenerStore } from './adapters/webhook/redis-test-listeners';
import { scheduleFiringHandlers } from './adapters/messaging/schedule-firing.handlers';
import { workflowEventHandlers } from './adapters/messaging/workflow-events.handlers';
import { KyselyFiringStore } from './adapters/persistence/firing.store';
import { migrations } from './adapters/persistence/migrations';
import { TRIGGER_SCHEMA, type TriggerDb } from './adapters/persistence/tables';
import {
  KyselyTriggerEventInbox,
  KyselyTriggerRepository,
} from './adapters/persistence/trigger.repository';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { BullmqSchedules } from './adapters/schedule/bullmq-schedules';
import { EventBridgeSchedules } from './adapters/schedule/eventbridge-schedules';
import { RedisWebhookResponseWaiter } from './adapters/webhook/redis-response-waiter';
import {
  RedisSignatureReplayGuard,
  RedisWebhookRateLimiter,
} from './adapters/webhook/redis-webhook-guards';
import { loadTriggerConfig, schedulesBackend, type Config } from './config';
import type { ScheduleRegistry } from './ports/schedule-registry';
import type { WorkflowSpecSource } from './ports/workflow-spec-source';

export interface TriggerOptions {
  /** Tests: where manual runs get their graph (default: the catalog's internal API). */
  specSource?: WorkflowSpecSource;
  /** Tests: where Gmail, Calendar and Slack triggers get tokens (default: auth's internal endpoint). */
  connectionAccess?: ConnectionAccess;
  /** Tests: the EventBridge Scheduler client (SCHEDULES=aws). @default one from the environment */
  scheduler?: SchedulerClient;
}

/** The schedule backend as tests and operators see it. */
export type ScheduleBackend = ScheduleRegistry & {
  list(): Promise<Array<{ workflowId: string }>>;
};

/**
 * The trigger service's adapters and use cases: the schedule backend, the webhook answer
 * subscriber, the webhook guards' Redis client, the routes and the 'trigger' event handlers.
 */
async function wire(
  { config, db, redis, logger, metrics, verify, outbox }: Infra<Config, TriggerDb>,
  options: TriggerOptions,
) {
  // The trigger node types (and the actions) are read from the shared registry.
  registerIntegrationNodeTypes();
  const prefix = config.REDIS_PREFIX;
  // Request-path checks give up quickly when Redis is down (the use case then fails open).
  const guardRedis = createRedis(config.REDIS_URL, { use: 'request' });
  guardRedis.on('error', (err) =>
    logger.warn({ err: err.message }, 'redis error (webhook guards)'),
  );
  const triggerMetrics = prometheusTriggerMetrics(metrics);
  const now = () => new Date();
  const newId = () => randomUUID();

  // Local: BullMQ job schedulers and their worker. AWS: EventBridge Scheduler schedules whose
  // firings arrive on the trigger's queue as schedule.fired (handled below).
  const local = schedulesBackend(config) === 'local';
  const schedulerClient = local ? undefined : (options.scheduler ?? new SchedulerClient({}));
  const bullmqSchedules = local
    ? new BullmqSchedules({ connection: redis, prefix, logger })
    : undefined;
  const schedules: ScheduleBackend =
    bullmqSchedules ??
    new EventBridgeSchedules({
      client: schedulerClient!,
      groupName: config.SCHEDULE_GROUP_NAME!,
      roleArn: config.SCHEDULER_ROLE_ARN!,
      targetArn: config.SCHEDULE_TARGET_QUEUE_ARN!,
    });
  const waiter = new RedisWebhookResponseWaiter({ redisUrl: config.REDIS_URL, prefix, logger });
  // The catalog's run-spec route checks the token auth checks on its own `/internal` (same file, same env).
  let serviceToken: Promise<string> | undefined;
  const specSource =
    options.specSource ??
    new CatalogWorkflowSpecSource({
      baseUrl: config.CATALOG_INTERNAL_URL,
      // The catalog's function URL takes SigV4-signed calls only (on AWS).
      fetch: functionUrlFetch(),
      serviceToken: () =>
        (serviceToken ??= loadInternalServiceToken(config, {
          warn: (m) => logger.warn(m),
        })).catch((err: unknown) => {
          serviceToken = undefined;
          throw err;
        }),
    });

  const triggers = new KyselyTriggerRepository(db);
  // Webhook firings' events go to this process's relay at commit, not back through the table.
  const firings = new KyselyFiringStore(db, outbox);
  // Large trigger payloads are stored once; workflow.triggered carries their reference.
  const payloads = await createPayloadClaimCheck(config, {
    db: db as unknown as Kysely<unknown>,
    logger,
  });
  const inbox = new KyselyTriggerEventInbox(db);
  const integrations = await composeIntegrationTriggers({
    config,
    db,
    redis,
    logger,
    inbox,
    triggers,
    firings,
    metrics: triggerMetrics,
    newId,
    now,
    connectionAccess: options.connectionAccess,
    payloads: payloads.claims,
    scheduler: schedulerClient,
  });
  const lifecycle = new WorkflowLifecycle({
    inbox,
    schedules,
    logger,
    integrations: integrations.sync,
    // The catalog passes graphs above the inline limit by reference.
    payloads: payloads.claims,
  });
  const envelope = await openEnvelopeSecrets(config, {
    warn: (m) => logger.warn(m),
  });
  const receiveWebhook = new ReceiveWebhook({
    triggers,
    firings,
    waiter,
    metrics: triggerMetrics,
    logger,
    waitTimeoutMs: config.WEBHOOK_WAIT_TIMEOUT_MS,
    newId,
    now,
    secrets: {
      // Sealed by the catalog under the same master key; a value stored before sealing existed opens as is.
      open: (stored) =>
        EnvelopeSecrets.isSealed(stored)
          ? envelope.open(stored, WORKFLOW_SECRET_CONTEXT)
          : Promise.resolve(stored),
    },
    rateLimiter: new RedisWebhookRateLimiter({ redis: guardRedis, prefix }),
    replays: new RedisSignatureReplayGuard({ redis: guardRedis, prefix }),
    rateLimits: {
      perHook: config.WEBHOOK_RATE_LIMIT_PER_HOOK,
      perIp: config.WEBHOOK_RATE_LIMIT_PER_IP,
    },
    payloads: payloads.claims,
  });
  // What every use case that records firings is built with.
  const firingDeps = {
    firings,
    metrics: triggerMetrics,
    logger,
    newId,
    now,
    payloads: payloads.claims,
  };
  const runWorkflow = new RunWorkflow({ specs: specSource, ...firingDeps });
  const testWebhooks = new TestWebhooks({
    specs: specSource,
    listeners: new RedisTestListenerStore({ redis, prefix }),
    run: runWorkflow,
    logger,
    newId,
    now,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    listenSeconds: config.TEST_WEBHOOK_LISTEN_SECONDS,
  });
  const fireSchedule = new FireSchedule(firingDeps);
  // Each firing's key is kept for a while, not for ever (the table grew with every execution).
  const firingRetention = new TableRetention({
    db,
    logger,
    what: 'firing keys',
    tables: [
      {
        table: 'firings',
        timeColumn: 'created_at',
        keepMs: config.FIRING_KEYS_RETENTION_DAYS * 86_400_000,
      },
    ],
  });

  return {
    routes: [
      // Before the webhook routes: `/hooks/slack/events` is not a hook id.
      ...integrations.routes(verify),
      [
        '/hooks',
        hookRoutes({
          receive: receiveWebhook,
          metrics: triggerMetrics,
          bodyLimitBytes: config.HOOK_BODY_LIMIT_BYTES,
          publicBaseUrl: config.PUBLIC_BASE_URL,
          test: testWebhooks,
        }),
        // After the routes: errors only travel forward (body parser and hook route errors alike).
        hookBodyErrorCounter(triggerMetrics),
      ],
      [
        '/workflows',
        runRoutes({ run: runWorkflow, verify, publicBaseUrl: config.PUBLIC_BASE_URL }),
        testWebhookRoutes({ test: testWebhooks, verify }),
      ],
    ],
    eventHandlers: {
      ...workflowEventHandlers(lifecycle),
      ...integrations.handlers,
      ...scheduleFiringHandlers(fireSchedule),
    },
    lifecycles: [
      { stop: () => closeRedis(guardRedis) },
      { stop: () => payloads.store.close() },
      // The webhook answer subscriber runs in the Lambda too. On stop it lets waiting webhook
      // callers go (they get their 202) as soon as the server stops accepting, so the server's
      // in-flight requests can finish.
      {
        start: () => waiter.start(),
        release: () => waiter.stop(),
        stop: () => waiter.stop(),
        inLambda: true,
      },
      // Not in a Lambda: a frozen function cannot fire schedules (EventBridge Scheduler does).
      {
        start: () => bullmqSchedules?.start((ticks) => fireSchedule.executeMany(ticks)),
        stop: async () => {
          await bullmqSchedules?.stop();
          schedulerClient?.destroy();
        },
      },
      // Gmail and Calendar polls, the Slack events sweep (not in a Lambda either).
      { start: () => integrations.start(), stop: () => integrations.stop() },
      retentionLifecycle(firingRetention),
    ],
    expose: {
      /** The schedule backend (tests inspect registered schedulers through it). */
      schedules,
      /** Forgets firing keys past FIRING_KEYS_RETENTION_DAYS (tests prune through it). */
      firingRetention,
      /** Gmail, Calendar and Slack triggers (tests poll and inspect through it). */
      integrations,
      /** Webhook callers currently waiting for an answer. */
      waiter,
    },
  } satisfies Wiring<{
    schedules: ScheduleBackend;
    firingRetention: TableRetention;
    integrations: IntegrationTriggers;
    waiter: RedisWebhookResponseWaiter;
  }>;
}

/**
 * The trigger service as the host runs it: schema `trigger`, an outbox (workflow.triggered), the
 * 'trigger' consumer (workflow.activated/deactivated/deleted), webhooks with their raw body kept
 * for HMAC checks. See @flowgenie/runtime.
 */
export const triggerService = defineService({
  name: 'trigger',
  loadConfig: loadTriggerConfig,
  schema: TRIGGER_SCHEMA,
  migrations,
  outbox: true,
  consumer: 'trigger',
  errors: TRIGGER_ERROR_STATUS,
  http: {
    // The app-wide JSON parser serves hooks too; hooks enforce their own limit on top.
    bodyLimitBytes: (config) => Math.max(config.BODY_LIMIT_BYTES, config.HOOK_BODY_LIMIT_BYTES),
    keepRawBody: true,
  },
  wire,
});

export type TriggerHostOptions = HostOptions & TriggerOptions;

/**
 * The trigger service on `config`, not started.
 *
 * @example
 * const service = await compose(loadTriggerConfig(process.env));
 * const server = await service.start();
 */
export const compose = (config: Config, opts: TriggerHostOptions = {}) =>
  createHost(triggerService, config, opts);
export type TriggerService = Awaited<ReturnType<typeof compose>>;
