import type { Kysely } from 'kysely';
import type { WorkflowGraph } from '@flowgenie/contracts';
import { createDb, createRedis, type Redis } from '@flowgenie/platform';
import { createTestTokens, type HttpCall } from '@flowgenie/testing';
import { startService } from '@flowgenie/testing/service';
import { catalogService, type Catalog } from '../src/compose';
import type { Config } from '../src/config';
import { CATALOG_SCHEMA, type CatalogDb } from '../src/adapters/persistence/workflow.table';

export interface TestCatalog {
  url: string;
  /** The service's Express app (tests list its routes). */
  app: Catalog['app'];
  config: Config;
  /** Read-only view of the service's tables (outbox, inbox) for assertions. */
  db: Kysely<CatalogDb>;
  redis: Redis;
  prefix: string;
  /** A signed access token for a user (a new user id unless given). */
  userToken(userId?: string): Promise<{ userId: string; token: string }>;
  /** A token for `userId` holding only `scope` (space-separated), as an API key with those scopes gets. */
  scopedToken(userId: string, scope: string): Promise<string>;
  call: HttpCall;
  /** The internal service token its `/internal` routes expect (INTERNAL_SERVICE_TOKEN). */
  serviceToken: string;
  close(): Promise<void>;
}

/** The catalog's internal service token in tests unless one names its own. */
export const TEST_SERVICE_TOKEN = 'internal-service-token-for-catalog-helpers-0123456789';

/**
 * Starts the real service (own database, own Redis prefix) on a free port, with access tokens
 * signed by a key pair of the test's own.
 */
export async function startCatalog(
  label: string,
  env: Record<string, string> = {},
): Promise<TestCatalog> {
  const tokens = await createTestTokens();
  const svc = await startService(catalogService, label, {
    // No execution service unless a test starts one: last runs are then unknown, refused at once.
    env: {
      OUTBOX_POLL_MS: '200',
      EXECUTION_INTERNAL_URL: 'http://127.0.0.1:9',
      INTERNAL_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
      ...env,
    },
    options: { keySet: tokens.keySet },
  });
  const db = createDb<CatalogDb>({ url: svc.database.url, schema: CATALOG_SCHEMA, max: 2 });
  const redis = createRedis(svc.config.REDIS_URL);
  return {
    url: svc.url,
    app: svc.host.app,
    config: svc.config,
    db,
    redis,
    prefix: svc.prefix,
    userToken: tokens.userToken,
    scopedToken: (userId, scope) => tokens.sign(userId, undefined, scope),
    call: svc.call,
    serviceToken: svc.config.INTERNAL_SERVICE_TOKEN ?? TEST_SERVICE_TOKEN,
    async close() {
      await db.destroy();
      await redis.quit();
      await svc.close();
    },
  };
}

/** A valid graph: a manual trigger, then a transform reading the trigger payload. */
export function aGraph(): WorkflowGraph {
  return {
    nodes: [
      { id: 'start', type: 'manual', position: { x: 0, y: 0 }, config: {} },
      {
        id: 'shape',
        type: 'transform',
        position: { x: 240, y: 0 },
        config: { expression: '{{ { "n": trigger.n } }}' },
      },
    ],
    edges: [{ id: 'e1', source: 'start', sourceHandle: 'main', target: 'shape' }],
  };
}

/** A valid webhook workflow that calls an API with data from the request. */
export function aWebhookGraph(): WorkflowGraph {
  return {
    nodes: [
      { id: 'hook', type: 'webhook', position: { x: 0, y: 0 }, config: { method: 'POST' } },
      {
        id: 'fetch_user',
        type: 'http_request',
        position: { x: 240, y: 0 },
        config: { method: 'GET', url: 'https://api.example.com/users/{{ trigger.body.id }}' },
      },
      {
        id: 'pick',
        type: 'transform',
        position: { x: 480, y: 0 },
        config: { expression: '{{ steps.fetch_user.body.email }}' },
      },
    ],
    edges: [
      { id: 'e1', source: 'hook', sourceHandle: 'main', target: 'fetch_user' },
      { id: 'e2', source: 'fetch_user', sourceHandle: 'main', target: 'pick' },
    ],
  };
}

/** A valid schedule workflow: weekdays at 09:00 Paris time. */
export function aScheduleGraph(cron = '0 9 * * 1-5', timezone = 'Europe/Paris'): WorkflowGraph {
  return {
    nodes: [
      { id: 'tick', type: 'schedule', position: { x: 0, y: 0 }, config: { cron, timezone } },
      {
        id: 'shape',
        type: 'transform',
        position: { x: 240, y: 0 },
        config: { expression: '{{ trigger.scheduledAt }}' },
      },
    ],
    edges: [{ id: 'e1', source: 'tick', sourceHandle: 'main', target: 'shape' }],
  };
}
