import type { Kysely } from 'kysely';
import {
  createHttpApp,
  createMetrics,
  finishHttpApp,
  pingDb,
  pingRedis,
  startHttpServer,
  type Logger,
  type RunningServer,
} from '@flowgenie/platform';
import { googleEndpoints, slackEndpoints, type ConnectionAccess } from '@flowgenie/integrations';
import { stepConnections } from '@flowgenie/integrations/actions';
import { registerIntegrationNodeTypes } from '@flowgenie/integrations/node-types';
import { type NodeTypeRegistry } from '@flowgenie/workflow';
import { ExpressionIsolates } from '@flowgenie/workflow/isolated';
import { ReapExecutions } from './app/reap-executions';
import { RunStep } from './app/run-step';
import { PromExecutionMetrics } from './adapters/metrics/prom-execution-metrics';
import { StepWorker } from './adapters/queue/step-worker';
import { internalConnectionAccess } from './adapters/connections/internal-service-token';
import { RedisRateGate } from './adapters/connections/redis-rate-gate';
import { composeInfrastructure, httpPolicyOf } from './compose-shared';
import type { Config } from './config';

export interface ComposeWorkerOptions {
  logger?: Logger;
  /** Node types the executor can run. @default the core registry with the integrations' types */
  registry?: Pick<NodeTypeRegistry, 'get'>;
  /** Tests: where credentials come from. @default auth's internal endpoint (AUTH_INTERNAL_URL) */
  connectionAccess?: ConnectionAccess;
  /** Serve `/metrics` on EXECUTOR_METRICS_PORT. @default true */
  metricsServer?: boolean;
  /** Worker name stored on the jobs it takes. */
  name?: string;
}

/**
 * The executor process: the BullMQ worker on the steps queue, the reaper that re-drives stuck
 * executions, the outbox relay (execution.succeeded/failed) and a metrics endpoint.
 */
export async function composeWorker(config: Config, opts: ComposeWorkerOptions = {}) {
  const infra = await composeInfrastructure(config, {
    logger: opts.logger,
    service: 'executor',
    poolSize: Math.min(50, config.EXECUTOR_CONCURRENCY + 5),
  });
  const { logger, db, redis, store, queue, responder, relay } = infra;
  const metrics = createMetrics('executor');
  const engine = { queue, responder, logger, metrics: new PromExecutionMetrics(metrics, queue) };
  // Every expression runs in a worker thread the executor can stop, never on this event loop.
  const expressions = new ExpressionIsolates({
    size: config.EXPRESSION_ISOLATES,
    maxHeapMb: config.EXPRESSION_MAX_HEAP_MB,
  });
  // Credentials come from auth's internal endpoint per attempt; they never enter job data or rows.
  const access = opts.connectionAccess ?? (await internalConnectionAccess(config, logger));
  const gate = new RedisRateGate(redis, config.REDIS_PREFIX, logger);
  const apiUrls = {
    google: config.GOOGLE_BASE_URL ? googleEndpoints(config.GOOGLE_BASE_URL).apiRootUrl : undefined,
    slack: config.SLACK_BASE_URL ? slackEndpoints(config.SLACK_BASE_URL).apiUrl : undefined,
  };
  const runStep = new RunStep({
    ...engine,
    store,
    registry: opts.registry ?? registerIntegrationNodeTypes(),
    connections: (ownerId) => stepConnections({ access, ownerId, gate, apiUrls }),
    http: httpPolicyOf(config),
    expressionTimeoutMs: config.EXPRESSION_TIMEOUT_MS,
    expressions,
    payloads: infra.payloads,
  });
  const reaper = new ReapExecutions({ ...engine, store, staleMs: config.REAPER_STALE_MS });
  const worker = new StepWorker(runStep, {
    connection: redis,
    prefix: config.REDIS_PREFIX,
    logger,
    concurrency: config.EXECUTOR_CONCURRENCY,
    lockDurationMs: config.STEP_LOCK_MS,
    stalledIntervalMs: config.STEP_STALLED_INTERVAL_MS,
    name: opts.name,
  });
  const app = createHttpApp({
    logger,
    metrics,
    readiness: {
      db: () => pingDb(db as unknown as Kysely<unknown>),
      redis: () => pingRedis(redis),
    },
  });
  finishHttpApp(app, { logger });

  const reaperEveryMs =
    config.REAPER_INTERVAL_MS ??
    Math.min(20_000, Math.max(50, Math.floor(config.REAPER_STALE_MS / 3)));
  let reaperTimer: NodeJS.Timeout | undefined;
  let reaping: Promise<unknown> = Promise.resolve();
  let server: RunningServer | undefined;
  let stopped = false;

  const stopLoops = async () => {
    if (reaperTimer) clearInterval(reaperTimer);
    reaperTimer = undefined;
    await reaping;
  };

  return {
    app,
    store,
    queue,
    reaper,
    async start(): Promise<RunningServer | undefined> {
      expressions.warm();
      await relay.start();
      await worker.start();
      reaperTimer = setInterval(() => {
        reaping = reaping.then(() =>
          reaper.reapOnce().catch((err) => logger.error({ err }, 'reaper pass failed')),
        );
      }, reaperEveryMs);
      if (opts.metricsServer !== false) {
        server = await startHttpServer(app, {
          port: config.EXECUTOR_METRICS_PORT,
          host: config.HOST,
          tlsCertFile: config.TLS_CERT_FILE,
          tlsKeyFile: config.TLS_KEY_FILE,
        });
      }
      logger.info({ concurrency: config.EXECUTOR_CONCURRENCY }, 'executor started');
      return server;
    },
    /**
     * Graceful: waits for the steps in flight. `force` (tests: a worker that dies) stops at once;
     * its running steps' jobs are taken over by another worker after STEP_LOCK_MS.
     */
    async stop(stopOpts: { force?: boolean } = {}): Promise<void> {
      if (stopped) return;
      stopped = true;
      await stopLoops();
      await worker.close(stopOpts.force);
      await expressions.close();
      await server?.close();
      await infra.close();
    },
  };
}
