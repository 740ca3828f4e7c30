import { randomUUID } from 'node:crypto';
import type { JWTVerifyGetKey } from 'jose';
import type { Kysely } from 'kysely';
import {
  createEventConsumer,
  createEventPublisher,
  createPayloadClaimCheck,
} from '@flowgenie/messaging/factory';
import { OutboxRelay } from '@flowgenie/messaging/outbox';
import {
  createHttpApp,
  createLogger,
  createMetrics,
  createRedis,
  createTokenVerifier,
  finishHttpApp,
  openMigratedDb,
  pingDb,
  pingRedis,
  startHttpServer,
  type Logger,
  type RunningServer,
  closeRedis,
  EnvelopeSecrets,
} from '@flowgenie/platform';
import { WORKFLOW_SECRET_CONTEXT } from '@flowgenie/contracts';
import type { ConnectionAccess } from '@flowgenie/integrations';
import { registerIntegrationNodeTypes } from '@flowgenie/integrations/node-types';
import { composeIntegrationTriggers } from './compose-integrations';
import { FireSchedule } from './app/fire-schedule';
import { ReceiveWebhook } from './app/receive-webhook';
import { RunWorkflow } from './app/run-workflow';
import { WorkflowLifecycle } from './app/workflow-lifecycle';
import { CatalogWorkflowSpecSource } from './adapters/http/catalog-spec-source';
import { triggerErrorMiddleware } from './adapters/http/error-mapping';
import { hookBodyErrorCounter, hookRoutes } from './adapters/http/hooks.routes';
import { prometheusTriggerMetrics } from './adapters/http/prometheus-metrics';
import { runRoutes } from './adapters/http/runs.routes';
import { workflowEventHandlers } from './adapters/messaging/workflow-events.handlers';
import { KyselyFiringStore } from './adapters/persistence/firing.store';
import { migrations } from './adapters/persistence/migrations';
import { TRIGGER_SCHEMA, type TriggerDb } from './adapters/persistence/tables';
import {
  KyselyTriggerEventInbox,
  KyselyTriggerRepository,
} from './adapters/persistence/trigger.repository';
import { BullmqSchedules } from './adapters/schedule/bullmq-schedules';
import { RedisWebhookResponseWaiter } from './adapters/webhook/redis-response-waiter';
import {
  RedisSignatureReplayGuard,
  RedisWebhookRateLimiter,
} from './adapters/webhook/redis-webhook-guards';
import type { Config } from './config';
import type { WorkflowSpecSource } from './ports/workflow-spec-source';

export interface ComposeOptions {
  logger?: Logger;
  /** Tests: verify access tokens against this key set instead of the auth service's JWKS. */
  keySet?: JWTVerifyGetKey;
  /** Tests: where manual runs get their graph (default: the catalog's internal API). */
  specSource?: WorkflowSpecSource;
  /** Tests: where Gmail, Calendar and Slack triggers get tokens (default: auth's internal endpoint). */
  connectionAccess?: ConnectionAccess;
}

/**
 * The trigger service's composition root: database and migrations, the event consumer
 * ('trigger'), the outbox relay, the schedule backend, the webhook answer subscriber and the
 * HTTP app. Nothing runs until `start()`; `stop()` releases everything it opened.
 *
 * @example
 * const service = await compose(loadTriggerConfig(process.env));
 * const server = await service.start();
 */
export async function compose(config: Config, opts: ComposeOptions = {}) {
  // The trigger node types (and the actions) are read from the shared registry.
  registerIntegrationNodeTypes();
  const logger =
    opts.logger ??
    createLogger({ service: 'trigger', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const db = await openMigratedDb<TriggerDb>({
    url: config.DATABASE_URL,
    schema: TRIGGER_SCHEMA,
    migrations,
    logger,
  });
  // The platform's relay and ping helpers take a schema-agnostic Kysely.
  const anyDb = db as unknown as Kysely<unknown>;

  const redis = createRedis(config.REDIS_URL, { logger });
  const prefix = config.REDIS_PREFIX;
  // Request-path checks give up quickly when Redis is down (the use case then fails open).
  const guardRedis = createRedis(config.REDIS_URL, { use: 'request' });
  guardRedis.on('error', (err) =>
    logger.warn({ err: err.message }, 'redis error (webhook guards)'),
  );
  const metrics = createMetrics('trigger');
  const triggerMetrics = prometheusTriggerMetrics(metrics);
  const now = () => new Date();
  const newId = () => randomUUID();

  const publisher = createEventPublisher(config, { redis, logger });
  const relay = new OutboxRelay({
    db: anyDb,
    schema: TRIGGER_SCHEMA,
    databaseUrl: config.DATABASE_URL,
    publisher,
    logger,
  });
  const consumer = createEventConsumer('trigger', config, { redis, logger });
  // Large trigger payloads are stored once; workflow.triggered carries their reference.
  const payloads = await createPayloadClaimCheck(config, { db: anyDb, logger });
  const schedules = new BullmqSchedules({ connection: redis, prefix, logger });
  const waiter = new RedisWebhookResponseWaiter({ redisUrl: config.REDIS_URL, prefix, logger });
  const specSource =
    opts.specSource ?? new CatalogWorkflowSpecSource({ baseUrl: config.CATALOG_INTERNAL_URL });
  const verify = createTokenVerifier({
    jwksUrl: config.AUTH_JWKS_URL,
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    keySet: opts.keySet,
  });

  const triggers = new KyselyTriggerRepository(db);
  const firings = new KyselyFiringStore(db);
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
    connectionAccess: opts.connectionAccess,
    payloads: payloads.claims,
  });
  const lifecycle = new WorkflowLifecycle({
    inbox,
    schedules,
    logger,
    integrations: integrations.sync,
  });
  const eventHandlers = { ...workflowEventHandlers(lifecycle), ...integrations.handlers };
  const envelope = await EnvelopeSecrets.fromKeyFile(config.SECRETS_KEY_FILE, {
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
  const runWorkflow = new RunWorkflow({
    specs: specSource,
    firings,
    metrics: triggerMetrics,
    logger,
    newId,
    now,
    payloads: payloads.claims,
  });
  const fireSchedule = new FireSchedule({ firings, metrics: triggerMetrics, logger, newId, now });

  const app = createHttpApp({
    logger,
    metrics,
    // The app-wide JSON parser serves hooks too; hooks enforce their own limit on top.
    bodyLimitBytes: Math.max(config.BODY_LIMIT_BYTES, config.HOOK_BODY_LIMIT_BYTES),
    keepRawBody: true,
    readiness: { db: () => pingDb(anyDb), redis: () => pingRedis(redis) },
  });
  integrations.mountRoutes(app, verify);
  app.use(
    '/hooks',
    hookRoutes({
      receive: receiveWebhook,
      metrics: triggerMetrics,
      bodyLimitBytes: config.HOOK_BODY_LIMIT_BYTES,
      publicBaseUrl: config.PUBLIC_BASE_URL,
    }),
  );
  // After the routes: errors only travel forward (body parser and hook route errors alike).
  app.use('/hooks', hookBodyErrorCounter(triggerMetrics));
  app.use(
    '/workflows',
    runRoutes({ run: runWorkflow, verify, publicBaseUrl: config.PUBLIC_BASE_URL }),
  );
  app.use(triggerErrorMiddleware());
  finishHttpApp(app, { logger });

  let server: RunningServer | undefined;
  let started = false;

  return {
    app,
    db,
    /** The schedule backend (tests inspect registered schedulers through it). */
    schedules,
    /** Gmail, Calendar and Slack triggers (tests poll and inspect through it). */
    integrations,
    /** Webhook callers currently waiting for an answer. */
    waiter,
    /** What the Lambda entry (lambda.ts) drives itself: the relay, and the handlers of its SQS records. */
    relay,
    eventHandlers,
    async start(): Promise<RunningServer> {
      started = true;
      await waiter.start();
      await relay.start();
      await schedules.start((tick) => fireSchedule.execute(tick));
      await integrations.start();
      await consumer.start(eventHandlers);
      server = await startHttpServer(app, {
        port: config.PORT,
        host: config.HOST,
        tlsCertFile: config.TLS_CERT_FILE,
        tlsKeyFile: config.TLS_KEY_FILE,
      });
      return server;
    },
    async stop(): Promise<void> {
      // Stop accepting first, then let waiting webhook callers go (they get their 202) so the
      // server's in-flight requests can finish.
      const closing = server?.close();
      await waiter.stop();
      await closing;
      if (started) {
        await consumer.stop();
        await schedules.stop();
        await integrations.stop();
        await relay.stop();
      } else {
        await schedules.stop();
        await integrations.stop();
      }
      await publisher.close();
      await payloads.store.close();
      await closeRedis(redis);
      await closeRedis(guardRedis);
      await db.destroy();
    },
  };
}

export type TriggerService = Awaited<ReturnType<typeof compose>>;
