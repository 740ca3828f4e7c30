import { createEventConsumer, type EventBusDeps } from '@flowgenie/messaging/factory';
import {
  createHost,
  defineService,
  retentionLifecycle,
  type HostOptions,
  type Lifecycle,
} from '@flowgenie/runtime';
import { providerEndpointsFromEnv, type ConnectionAccess } from '@flowgenie/integrations';
import { stepConnections } from '@flowgenie/integrations/actions';
import { registerIntegrationNodeTypes } from '@flowgenie/integrations/node-types';
import type { NodeTypeRegistry } from '@flowgenie/workflow';
import { functionUrlFetch } from '@flowgenie/platform';
import { ExpressionIsolates } from '@flowgenie/workflow/isolated';
import { CancelExecution } from './app/cancel-execution';
import { ReapExecutions } from './app/reap-executions';
import { RunStep } from './app/run-step';
import { CONSUMER, StartExecution } from './app/start-execution';
import { executionEventHandlers } from './adapters/messaging/event-handlers';
import { PromExecutionMetrics } from './adapters/metrics/prom-execution-metrics';
import type { ExecutionDb } from './adapters/persistence/execution.table';
import { StepWorker } from './adapters/queue/step-worker';
import { internalConnectionAccess } from './adapters/connections/internal-service-token';
import { RedisRateGate } from './adapters/connections/redis-rate-gate';
import { processStepsOf } from './adapters/memory/in-process-steps';
import { processStarts } from './adapters/memory/recent-starts';
import { executionBase, executionPorts, historyRetentionOf, httpPolicyOf } from './compose-shared';
import type { Config } from './config';

export interface ExecutorOptions {
  /** Node types the executor can run. @default the core registry with the integrations' types */
  registry?: Pick<NodeTypeRegistry, 'get'>;
  /** Tests: where credentials come from. @default auth's internal endpoint (AUTH_INTERNAL_URL) */
  connectionAccess?: ConnectionAccess;
  /** Worker name stored on the jobs it takes. */
  name?: string;
  /** Tests: the SQS client of the execution inbox consumer (EVENT_BUS=aws). @default one from the environment */
  eventsSqs?: EventBusDeps['sqs'];
  /** Tests: seconds of that consumer's long poll. @default 20 */
  eventsWaitSeconds?: number;
}

/** What tests read through the executor's host besides its core parts. */
export interface ExecutorParts {
  store: Awaited<ReturnType<typeof executionPorts>>['store'];
  queue: Awaited<ReturnType<typeof executionPorts>>['queue'];
  reaper: ReapExecutions;
}

/**
 * The executor process as the host runs it: the BullMQ worker on the steps queue, the reaper that
 * re-drives stuck executions, the expression isolates, the outbox relay (execution.succeeded/
 * failed, with EXECUTION_EVENTS=all) and `/metrics`, `/healthz`, `/readyz` on EXECUTOR_METRICS_PORT. With EVENT_BUS=aws it
 * also long-polls the execution inbox (EVENTS_QUEUE_URL or QUEUE_URL): the execution API runs as
 * a Lambda without an SQS event source, so here each workflow.triggered becomes an execution and
 * each workflow.deleted cancels that workflow's runs (locally the API process consumes them). `stop()` waits for the
 * steps in flight; `stop({ force: true })` (tests: a worker that dies) stops at once, and its
 * running steps' jobs are taken over by another worker after STEP_LOCK_MS.
 */
export const executorService = defineService<Config, ExecutionDb, ExecutorOptions, ExecutorParts>({
  ...executionBase,
  name: 'executor',
  poolSize: (config) => Math.min(50, config.EXECUTOR_CONCURRENCY + 5),
  port: (config) => config.EXECUTOR_METRICS_PORT,
  async wire(infra, options) {
    const { config, logger, metrics, redis } = infra;
    const { store, queue, steps, responder, payloads, closeAll } = await executionPorts(infra);
    const history = historyRetentionOf(infra);
    const engine = {
      queue: steps,
      responder,
      logger,
      metrics: new PromExecutionMetrics(metrics, queue),
    };
    // Expressions run in worker threads the executor can stop; only the bounded subset (paths,
    // arithmetic, comparisons) over a small input runs on this event loop, where it cannot stall.
    const expressions = new ExpressionIsolates({
      size: config.EXPRESSION_ISOLATES,
      maxHeapMb: config.EXPRESSION_MAX_HEAP_MB,
    });
    // Credentials come from auth's internal endpoint per attempt; they never enter job data or rows.
    // On AWS auth's function URL takes SigV4-signed calls only (functionUrlFetch signs them).
    const access =
      options.connectionAccess ??
      (await internalConnectionAccess(config, logger, { fetch: functionUrlFetch() }));
    const gate = new RedisRateGate(redis, config.REDIS_PREFIX, logger);
    const endpoints = providerEndpointsFromEnv({
      GOOGLE_BASE_URL: config.GOOGLE_BASE_URL,
      SLACK_BASE_URL: config.SLACK_BASE_URL,
    });
    const apiUrls = { google: endpoints.google.apiRootUrl, slack: endpoints.slack.apiUrl };
    const registry = options.registry ?? registerIntegrationNodeTypes();
    const runStep = new RunStep({
      ...engine,
      store,
      registry,
      connections: (ownerId) => stepConnections({ access, ownerId, gate, apiUrls }),
      http: httpPolicyOf(config),
      expressionTimeoutMs: config.EXPRESSION_TIMEOUT_MS,
      expressions,
      payloads,
      handoff: processStarts,
    });
    const stepsHere = processStepsOf(config.REDIS_PREFIX);
    const reaper = new ReapExecutions({ ...engine, store, staleMs: config.REAPER_STALE_MS });
    const worker = new StepWorker(runStep, {
      connection: redis,
      prefix: config.REDIS_PREFIX,
      logger,
      concurrency: config.EXECUTOR_CONCURRENCY,
      lockDurationMs: config.STEP_LOCK_MS,
      stalledIntervalMs: config.STEP_STALLED_INTERVAL_MS,
      name: options.name,
    });

    const reaperEveryMs =
      config.REAPER_INTERVAL_MS ??
      Math.min(20_000, Math.max(50, Math.floor(config.REAPER_STALE_MS / 3)));
    let reaperTimer: NodeJS.Timeout | undefined;
    let reaping: Promise<unknown> = Promise.resolve();

    // Started last, stopped first: no new execution starts while the worker drains.
    const inbox: Lifecycle[] = [];
    if (config.EVENT_BUS === 'aws') {
      const handlers = executionEventHandlers({
        start: new StartExecution({
          ...engine,
          store,
          registry,
          payloads,
          handoff: processStarts,
          firstChains: stepsHere,
        }),
        cancel: new CancelExecution({ ...engine, store }),
      });
      const consumer = createEventConsumer(CONSUMER, config, {
        redis,
        logger,
        sqs: options.eventsSqs,
        sqsWaitTimeSeconds: options.eventsWaitSeconds,
      });
      inbox.push({ start: () => consumer.start(handlers), stop: () => consumer.stop() });
    }

    return {
      lifecycles: [
        closeAll,
        ...(history ? [retentionLifecycle(history)] : []),
        { start: () => expressions.warm(), stop: () => expressions.close() },
        {
          // The starts of this process are handed to this worker while it runs.
          start: async () => {
            processStarts.open();
            await worker.start();
            // And the first attempts of in-memory steps the starts of this process queue.
            stepsHere.open({
              room: config.EXECUTOR_CONCURRENCY,
              inMemory: (type) => registry.get(type)?.inMemory === true,
              run: (job) => worker.runHere(job, steps),
              beforeStart: (execution, planned, job) =>
                runStep.chainBeforeStart(execution, planned, job),
            });
          },
          stop: async ({ force }) => {
            processStarts.close();
            // Forced (a process that dies): steps running here are not waited for either.
            const handedOver = stepsHere.close();
            await Promise.all([force ? undefined : handedOver, worker.close(force)]);
          },
        },
        {
          start: () => {
            reaperTimer = setInterval(() => {
              reaping = reaping.then(() =>
                reaper.reapOnce().catch((err) => logger.error({ err }, 'reaper pass failed')),
              );
            }, reaperEveryMs);
          },
          stop: async () => {
            if (reaperTimer) clearInterval(reaperTimer);
            reaperTimer = undefined;
            await reaping;
          },
        },
        ...inbox,
      ],
      onStarted: () =>
        logger.info({ concurrency: config.EXECUTOR_CONCURRENCY }, 'executor started'),
      expose: { store, queue, reaper },
    };
  },
});

export type ExecutorHostOptions = HostOptions & ExecutorOptions;

/** The executor on `config`, not started. */
export const composeWorker = (config: Config, opts: ExecutorHostOptions = {}) =>
  createHost(executorService, config, opts);
