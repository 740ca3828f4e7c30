import { requireAuth, requireScopesByMethod, type TableRetention } from '@flowgenie/platform';
import { loadInternalServiceToken } from '@flowgenie/integrations';
import {
  createHost,
  defineService,
  retentionLifecycle,
  type HostOptions,
} from '@flowgenie/runtime';
import { registerIntegrationNodeTypes } from '@flowgenie/integrations/node-types';
import type { NodeTypeRegistry } from '@flowgenie/workflow';
import { CancelExecution } from './app/cancel-execution';
import { ExecutionQueries } from './app/queries';
import { RetryExecution } from './app/retry-execution';
import { CONSUMER, StartExecution } from './app/start-execution';
import { executionRoutes } from './adapters/http/execution.routes';
import { internalExecutionRoutes } from './adapters/http/internal.routes';
import { executionEventHandlers } from './adapters/messaging/event-handlers';
import { PromExecutionMetrics } from './adapters/metrics/prom-execution-metrics';
import type { ExecutionDb } from './adapters/persistence/execution.table';
import { processStarts } from './adapters/memory/recent-starts';
import { processStepsOf } from './adapters/memory/in-process-steps';
import { executionBase, executionPorts, historyRetentionOf } from './compose-shared';
import type { Config } from './config';

/** What tests read through the host besides its core parts. */
export type ExecutionParts = Pick<Awaited<ReturnType<typeof executionPorts>>, 'store' | 'queue'> & {
  /** Deletes finished executions past EXECUTIONS_RETENTION_DAYS (unset when it is 0). */
  historyRetention?: TableRetention;
};

export interface ExecutionOptions {
  /** Node types known to the service (retry policies). @default the core registry with the integrations' types */
  registry?: Pick<NodeTypeRegistry, 'get'>;
  /** SSE poll interval. @default 250 */
  streamPollMs?: number;
  /** How long a stream waits for a just-accepted execution to exist before a 404. @default 10000 */
  streamWaitMs?: number;
}

/**
 * The execution service's API process as the host runs it: `/executions` routes, the
 * 'execution' event consumer (workflow.triggered, workflow.deleted; with EVENT_BUS=local only:
 * on AWS the executor consumes the inbox) and the outbox relay. Steps run in the executor
 * process (compose-worker.ts).
 */
export const executionService = defineService<
  Config,
  ExecutionDb,
  ExecutionOptions,
  ExecutionParts
>({
  ...executionBase,
  name: 'execution',
  consumer: CONSUMER,
  // On AWS the ECS executor long-polls the execution inbox (compose-worker.ts); this process (and
  // its Lambda, which has no SQS event source) only serves the API.
  pollsInbox: (config) => config.EVENT_BUS !== 'aws',
  // Its error codes (not_found, conflict) are the platform's own: no table of its own.
  async wire(infra, options) {
    const { logger, metrics, verify } = infra;
    const ports = await executionPorts(infra);
    const { store, queue, steps, responder } = ports;
    const engine = { queue: steps, responder, logger, metrics: new PromExecutionMetrics(metrics) };
    const start = new StartExecution({
      ...engine,
      store,
      registry: options.registry ?? registerIntegrationNodeTypes(),
      payloads: ports.payloads,
      handoff: processStarts,
      // The executor of this process, when one runs here (the one-process mode).
      firstChains: processStepsOf(infra.config.REDIS_PREFIX),
    });
    const cancel = new CancelExecution({ ...engine, store });
    const retry = new RetryExecution({ ...engine, store });
    const queries = new ExecutionQueries(store, ports.payloads);
    const history = historyRetentionOf(infra);
    // `/internal/executions` checks the token auth checks on its own `/internal` (same file, same env).
    const serviceToken = () =>
      loadInternalServiceToken(infra.config, { warn: (m) => logger.warn(m) });
    return {
      routes: [
        [
          '/executions',
          requireAuth(verify),
          requireScopesByMethod('executions'),
          executionRoutes({
            queries,
            retry,
            cancel,
            streamPollMs: options.streamPollMs,
            streamWaitMs: options.streamWaitMs,
          }),
        ],
        ['/internal/executions', internalExecutionRoutes(queries, serviceToken)],
      ],
      eventHandlers: executionEventHandlers({ start, cancel }),
      lifecycles: [ports.closeAll, ...(history ? [retentionLifecycle(history)] : [])],
      expose: { store, queue, historyRetention: history },
    };
  },
});

export type ExecutionHostOptions = HostOptions & ExecutionOptions;

/** The execution API on `config`, not started. */
export const compose = (config: Config, opts: ExecutionHostOptions = {}) =>
  createHost(executionService, config, opts);
