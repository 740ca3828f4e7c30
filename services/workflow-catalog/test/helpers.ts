import type { Kysely } from 'kysely';
import type { WorkflowGraph } from '@flowgenie/contracts';
import { createDb, createLogger, createRedis, type Redis } from '@flowgenie/platform';
import {
  createTestDatabase,
  createTestTokens,
  deleteRedisKeys,
  testRedisPrefix,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TEST_REDIS_URL,
  type TestDatabase,
} from '@flowgenie/testing';
import { compose, type Catalog } from '../src/compose';
import { loadCatalogConfig, type Config } from '../src/config';
import { CATALOG_SCHEMA, type CatalogDb } from '../src/adapters/persistence/workflow.table';

// Response bodies are JSON of many shapes; tests read them freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface ApiResponse<T = Json> {
  status: number;
  body: T;
}

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
  call<T = Json>(method: string, path: string, opts?: { token?: string; body?: unknown; rawBody?: string }): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

/**
 * Starts the real service (own database, own Redis prefix) on a free port, with access tokens
 * signed by a key pair of the test's own.
 */
export async function startCatalog(label: string): Promise<TestCatalog> {
  const database: TestDatabase = await createTestDatabase(label);
  const prefix = testRedisPrefix(label);
  const tokens = await createTestTokens();
  const config = loadCatalogConfig({
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    PORT: '0',
    LOG_LEVEL: 'silent',
    AUTH_ISSUER: TEST_ISSUER,
    AUTH_AUDIENCE: TEST_AUDIENCE,
    OUTBOX_POLL_MS: '200',
  });
  let catalog: Catalog | undefined;
  try {
    catalog = await compose(config, {
      logger: createLogger({ service: 'workflow-catalog-test', level: 'silent' }),
      keySet: tokens.keySet,
    });
    const server = await catalog.start();
    const db = createDb<CatalogDb>({ url: database.url, schema: CATALOG_SCHEMA, max: 2 });
    const redis = createRedis(TEST_REDIS_URL);
    const running = catalog;
    return {
      url: server.url,
      app: running.app,
      config,
      db,
      redis,
      prefix,
      userToken: tokens.userToken,
      scopedToken: (userId, scope) => tokens.sign(userId, undefined, scope),
      async call(method, path, opts = {}) {
        const headers: Record<string, string> = {};
        if (opts.token) headers.authorization = `Bearer ${opts.token}`;
        let body: string | undefined;
        if (opts.rawBody !== undefined) body = opts.rawBody;
        else if (opts.body !== undefined) body = JSON.stringify(opts.body);
        if (body !== undefined) headers['content-type'] = 'application/json';
        const res = await fetch(`${server.url}${path}`, { method, headers, body });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : undefined };
      },
      async close() {
        await running.stop();
        await db.destroy();
        await deleteRedisKeys(redis, prefix);
        await redis.quit();
        await database.drop();
      },
    };
  } catch (err) {
    await catalog?.stop();
    await database.drop();
    throw err;
  }
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
        config: { expression: '{ "n": trigger.n }' },
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
        config: { expression: 'steps.fetch_user.body.email' },
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
        config: { expression: 'trigger.scheduledAt' },
      },
    ],
    edges: [{ id: 'e1', source: 'tick', sourceHandle: 'main', target: 'shape' }],
  };
}
