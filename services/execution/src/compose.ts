import type { JWTVerifyGetKey } from 'jose';
import {
  createHttpApp,
  createMetrics,
  createTokenVerifier,
  finishHttpApp,
  pingDb,
  pingRedis,
  requireAuth,
  requireScopesByMethod,
  startHttpServer,
  type Logger,
  type RunningServer,
} from '@flowgenie/platform';
import { createEventConsumer } from '@flowgenie/messaging/factory';
import { registerIntegrationNodeTypes } from '@flowgenie/integrations/node-types';
import { type NodeTypeRegistry } from '@flowgenie/workflow';
import type { Kysely } from 'kysely';
import { CancelExecution } from './app/cancel-execution';
import { ExecutionQueries } from './app/queries';
import { RetryExecution } from './app/retry-execution';
import { CONSUMER, StartExecution } from './app/start-execution';
import { executionRoutes } from './adapters/http/execution.routes';
import { executionEventHandlers } from './adapters/messaging/event-handlers';
import { PromExecutionMetrics } from './adapters/metrics/prom-execution-metrics';
import { composeInfrastructure } from './compose-shared';
import type { Config } from './config';

export interface ComposeOptions {
  logger?: Logger;
  /** Tests: verify tokens against this key set instead of fetching the JWKS. */
  keySet?: JWTVerifyGetKey;
  /** Node types known to the service (retry policies). @default the core registry with the integrations' types */
  registry?: Pick<NodeTypeRegistry, 'get'>;
  /** SSE poll interval. @default 250 */
  streamPollMs?: number;
}

/**
 * The execution service's API process: `/executions` routes, the 'execution' event consumer
 * (workflow.triggered, workflow.deleted) and the outbox relay. Steps run in the executor
 * process (compose-worker.ts).
 */
export async function compose(config: Config, opts: ComposeOptions = {}) {
  const infra = await composeInfrastructure(config, { logger: opts.logger, service: 'execution' });
  const { logger, db, redis, store, queue, responder, relay } = infra;
  const metrics = createMetrics('execution');
  const engine = { queue, responder, logger, metrics: new PromExecutionMetrics(metrics) };
  const start = new StartExecution({ ...engine, store, registry: opts.registry ?? registerIntegrationNodeTypes(), payloads: infra.payloads });
  const cancel = new CancelExecution({ ...engine, store });
  const retry = new RetryExecution({ ...engine, store });
  const queries = new ExecutionQueries(store, infra.payloads);

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
    readiness: { db: () => pingDb(db as unknown as Kysely<unknown>), redis: () => pingRedis(redis) },
  });
  app.use('/executions', requireAuth(verify), requireScopesByMethod('executions'), executionRoutes({ queries, retry, cancel, streamPollMs: opts.streamPollMs }));
  finishHttpApp(app, { logger });

  const consumer = createEventConsumer(CONSUMER, config, { redis, logger });
  const eventHandlers = executionEventHandlers({ start, cancel });
  let server: RunningServer | undefined;
  let started = false;

  return {
    app,
    store,
    /** What the Lambda entry (lambda.ts) drives itself: the relay, and the handlers of SQS records. */
    relay,
    eventHandlers,
    async start(): Promise<RunningServer> {
      await relay.start();
      await consumer.start(eventHandlers);
      started = true;
      server = await startHttpServer(app, {
        port: config.PORT,
        host: config.HOST,
        tlsCertFile: config.TLS_CERT_FILE,
        tlsKeyFile: config.TLS_KEY_FILE,
      });
      return server;
    },
    async stop(): Promise<void> {
      await server?.close();
      if (started) await consumer.stop();
      await infra.close();
    },
  };
}
