import {
  EnvelopeSecrets,
  functionUrlFetch,
  openEnvelopeSecrets,
  requireAuth,
  requireScopes,
  requireScopesByMethod,
  schedulesBackend,
} from '@flowgenie/platform';
import { loadInternalServiceToken } from '@flowgenie/integrations';
import { createPayloadClaimCheck } from '@flowgenie/messaging/factory';
import type { Kysely } from 'kysely';
import { registerIntegrationNodeTypes } from '@flowgenie/integrations/node-types';
import { createHost, defineService, type HostOptions } from '@flowgenie/runtime';
import { httpConnectionChecker } from './adapters/connections/http-connection-checker';
import { httpLastExecutions } from './adapters/executions/http-last-executions';
import { CATALOG_ERROR_STATUS } from './adapters/http/error-status';
import { payloadGraphClaims } from './adapters/payloads/graph-claims';
import { internalRoutes } from './adapters/http/internal.routes';
import { nodeTypeRoutes } from './adapters/http/node-type.routes';
import { workflowRoutes } from './adapters/http/workflow.routes';
import { migrations } from './adapters/persistence/migrations';
import { PostgresWorkflowStore } from './adapters/persistence/workflow.repository';
import { CATALOG_SCHEMA, type CatalogDb } from './adapters/persistence/workflow.table';
import { randomIds } from './adapters/system/random-ids';
import { systemClock } from './adapters/system/system-clock';
import { buildUseCases } from './app/use-cases';
import { loadCatalogConfig, type Config } from './config';
import type { Clock } from './ports/clock';

export interface CatalogOptions {
  /** Tests: a fixed clock. */
  clock?: Clock;
}

/**
 * The catalog as the host runs it: schema `workflow_catalog`, an outbox (workflow.* events) and
 * the routes. It consumes no events: last runs are read from the execution service. See @flowgenie/runtime.
 */
export const catalogService = defineService<Config, CatalogDb, CatalogOptions>({
  name: 'workflow-catalog',
  loadConfig: loadCatalogConfig,
  schema: CATALOG_SCHEMA,
  migrations,
  outbox: true,
  errors: CATALOG_ERROR_STATUS,
  async wire({ config, db, logger, verify }, options) {
    // Validation and GET /api/node-types know the Gmail, Slack and Calendar node types too.
    registerIntegrationNodeTypes();
    // Secret config values are sealed (envelope encryption) before they are stored or announced.
    const envelope = await openEnvelopeSecrets(config, {
      warn: (m) => logger.warn(m),
    });
    // Auth's and the execution service's function URLs take SigV4-signed calls only (on AWS).
    const internal = functionUrlFetch();
    // Graphs above the inline limit are stored once; the catalog's events carry their reference.
    const payloads = await createPayloadClaimCheck(config, {
      db: db as unknown as Kysely<unknown>,
      logger,
    });
    const useCases = buildUseCases({
      secrets: {
        seal: (value, context) => envelope.seal(value, context),
        isSealed: EnvelopeSecrets.isSealed,
      },
      store: new PostgresWorkflowStore(db),
      clock: options.clock ?? systemClock,
      ids: randomIds,
      // Publish and activation ask auth whether the connections steps name would work.
      connections: httpConnectionChecker(config, { warn: (m) => logger.warn(m), fetch: internal }),
      scheduleBackend: schedulesBackend(config),
      // The workflows list and detail ask the execution service for each workflow's last run.
      lastExecutions: httpLastExecutions(config, { warn: (m) => logger.warn(m), fetch: internal }),
      graphs: payloadGraphClaims(payloads.claims),
    });
    return {
      lifecycles: [{ stop: () => payloads.store.close() }],
      routes: [
        // GET needs workflows:read, every other method workflows:write (a read-only API key cannot change anything).
        [
          '/workflows',
          requireAuth(verify),
          requireScopesByMethod('workflows'),
          workflowRoutes(useCases),
        ],
        [
          '/node-types',
          requireAuth(verify),
          requireScopes('workflows:read'),
          nodeTypeRoutes(useCases),
        ],
        // The trigger's manual runs read run specs here with the token auth checks (same file, same env).
        [
          '/internal',
          internalRoutes(useCases, () =>
            loadInternalServiceToken(config, { warn: (m) => logger.warn(m) }),
          ),
        ],
      ],
    };
  },
});

export type CatalogHostOptions = HostOptions & CatalogOptions;

/**
 * The catalog on `config`, not started.
 *
 * @example
 * const catalog = await compose(loadCatalogConfig(process.env));
 * const server = await catalog.start();
 */
export const compose = (config: Config, opts: CatalogHostOptions = {}) =>
  createHost(catalogService, config, opts);
export type Catalog = Awaited<ReturnType<typeof compose>>;
