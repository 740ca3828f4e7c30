import type { Kysely } from 'kysely';
import type { JWTVerifyGetKey } from 'jose';
import { createEventConsumer, createEventPublisher } from '@flowgenie/messaging/factory';
import { OutboxRelay } from '@flowgenie/messaging/outbox';
import { registerIntegrationNodeTypes } from '@flowgenie/integrations/node-types';
import {
  createHttpApp,
  createLogger,
  createMetrics,
  createRedis,
  createTokenVerifier,
  EnvelopeSecrets,
  finishHttpApp,
  openMigratedDb,
  pingDb,
  pingRedis,
  requireAuth,
  requireScopes,
  requireScopesByMethod,
  startHttpServer,
  type Logger,
  type RunningServer,
  closeRedis,
} from '@flowgenie/platform';
import { executionEventHandlers } from './adapters/messaging/execution-events';
import { catalogErrorMiddleware } from './adapters/http/error-middleware';
import { internalRoutes } from './adapters/http/internal.routes';
import { nodeTypeRoutes } from './adapters/http/node-type.routes';
import { workflowRoutes } from './adapters/http/workflow.routes';
import { migrations } from './adapters/persistence/migrations';
import { CONSUMER_NAME, PostgresWorkflowStore } from './adapters/persistence/workflow.repository';
import { CATALOG_SCHEMA, type CatalogDb } from './adapters/persistence/workflow.table';
import { randomIds } from './adapters/system/random-ids';
import { systemClock } from './adapters/system/system-clock';
import { buildUseCases } from './app/use-cases';
import type { Config } from './config';
import type { Clock } from './ports/clock';

export interface ComposeOptions {
  logger?: Logger;
  /** Tests: verify access tokens against this key set instead of fetching the auth JWKS. */
  keySet?: JWTVerifyGetKey;
  /** Tests: a fixed clock. */
  clock?: Clock;
}

/**
 * The composition root: the only place that knows every adapter. Migrates the schema, builds the
 * HTTP app; `start()` starts the outbox relay, the execution-event consumer and the server.
 *
 * @example
 * const catalog = await compose(loadCatalogConfig(process.env));
 * const server = await catalog.start();
 * onShutdown(logger, catalog.stop);
 */
export async function compose(config: Config, opts: ComposeOptions = {}) {
  // Validation and GET /api/node-types know the Gmail, Slack and Calendar node types too.
  registerIntegrationNodeTypes();
  const logger =
    opts.logger ??
    createLogger({
      service: 'workflow-catalog',
      level: config.LOG_LEVEL,
      format: config.LOG_FORMAT,
    });
  const db = await openMigratedDb<CatalogDb>({
    url: config.DATABASE_URL,
    schema: CATALOG_SCHEMA,
    migrations,
    logger,
  });
  const redis = createRedis(config.REDIS_URL, { logger });
  const metrics = createMetrics('workflow-catalog');

  // Secret config values are sealed (envelope encryption) before they are stored or announced.
  const envelope = await EnvelopeSecrets.fromKeyFile(config.SECRETS_KEY_FILE, { warn: (m) => logger.warn(m) });
  const useCases = buildUseCases({
    secrets: { seal: (value, context) => envelope.seal(value, context), isSealed: EnvelopeSecrets.isSealed },
    store: new PostgresWorkflowStore(db),
    clock: opts.clock ?? systemClock,
    ids: randomIds,
  });

  const verify = createTokenVerifier({
    jwksUrl: config.AUTH_JWKS_URL,
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    keySet: opts.keySet,
  });
  const app = createHttpApp({
    logger,
    metrics,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    readiness: {
      db: () => pingDb(db as unknown as Kysely<unknown>),
      redis: () => pingRedis(redis),
    },
  });
  // GET needs workflows:read, every other method workflows:write (a read-only API key cannot change anything).
  app.use(
    '/workflows',
    requireAuth(verify),
    requireScopesByMethod('workflows'),
    workflowRoutes(useCases),
  );
  app.use(
    '/node-types',
    requireAuth(verify),
    requireScopes('workflows:read'),
    nodeTypeRoutes(useCases),
  );
  app.use('/internal', internalRoutes(useCases));
  app.use(catalogErrorMiddleware());
  finishHttpApp(app, { logger });

  const publisher = createEventPublisher(config, { redis, logger });
  const relay = new OutboxRelay({
    db: db as unknown as Kysely<unknown>,
    schema: CATALOG_SCHEMA,
    databaseUrl: config.DATABASE_URL,
    publisher,
    logger,
    pollMs: config.OUTBOX_POLL_MS,
  });
  const consumer = createEventConsumer(CONSUMER_NAME, config, { redis, logger });
  const eventHandlers = executionEventHandlers(useCases.recordExecution, logger);

  let server: RunningServer | undefined;
  let started = false;
  let stopped: Promise<void> | undefined;

  return {
    app,
    /** What the Lambda entry (lambda.ts) drives itself: the relay, and the handlers of its SQS records. */
    relay,
    eventHandlers,
    async start(): Promise<RunningServer> {
      if (started) throw new Error('already started');
      started = true;
      await relay.start();
      await consumer.start(eventHandlers);
      server = await startHttpServer(app, {
        port: config.PORT,
        host: config.HOST,
        tlsCertFile: config.TLS_CERT_FILE,
        tlsKeyFile: config.TLS_KEY_FILE,
      });
      return server;
    },
    /** Stops taking requests and events, lets in-flight ones finish, then closes connections. */
    stop(): Promise<void> {
      stopped ??= (async () => {
        await server?.close();
        await consumer.stop();
        await relay.stop();
        await publisher.close();
        await closeRedis(redis);
        await db.destroy();
      })();
      return stopped;
    },
  };
}
export type Catalog = Awaited<ReturnType<typeof compose>>;
