import { z } from 'zod';
import { Router } from 'express';
import { sql } from 'kysely';
import {
  authEnv,
  baseEnv,
  busEnv,
  createLogger,
  dbEnv,
  DomainError,
  httpEnv,
  loadConfig,
  redisEnv,
} from '@flowgenie/platform';
import {
  createTestDatabase,
  deleteRedisKeys,
  testRedisPrefix,
  TEST_REDIS_URL,
  type TestDatabase,
} from '@flowgenie/testing';
import { createRedis } from '@flowgenie/platform';
import { createHost, defineService, type Lifecycle } from '../src';

const Schema = z.object({
  ...baseEnv,
  ...httpEnv,
  ...dbEnv,
  ...redisEnv,
  ...busEnv,
  ...authEnv,
  PORT: z.coerce.number().default(0),
});
type Config = z.infer<typeof Schema>;

class TeapotError extends DomainError {
  readonly code = 'teapot';
}

/** A tiny service: one table, one route, one error code, and lifecycles that record what happens. */
function aService(events: string[], opts: { failWire?: boolean } = {}) {
  const recorder = (name: string, extra: Partial<Lifecycle> = {}): Lifecycle => ({
    start: () => void events.push(`start ${name}`),
    release: () => void events.push(`release ${name}`),
    stop: () => void events.push(`stop ${name}`),
    ...extra,
  });
  return defineService<Config, { notes: { id: number } }, object, { hello: string }>({
    name: 'host-test',
    loadConfig: (env) => loadConfig(Schema, env),
    schema: 'host_test',
    migrations: {
      '001_notes': {
        up: async (db) =>
          void (await db.schema.createTable('notes').addColumn('id', 'integer').execute()),
      },
    },
    errors: { teapot: 418 },
    wire({ db }) {
      if (opts.failWire) throw new Error('wire failed');
      const router = Router();
      router.get('/count', async (_req, res) => {
        const row = await db
          .selectFrom('notes')
          .select(sql<number>`count(*)::int`.as('n'))
          .executeTakeFirstOrThrow();
        res.json({ n: row.n });
      });
      router.get('/teapot', () => {
        throw new TeapotError('short and stout');
      });
      return {
        routes: [['/notes', router]],
        lifecycles: [recorder('a'), recorder('b', { inLambda: true })],
        onStarted: () => void events.push('started'),
        expose: { hello: 'world' },
      };
    },
  });
}

describe('the service host', () => {
  let database: TestDatabase;
  const prefix = testRedisPrefix('host');
  const logger = createLogger({ service: 'host-test', level: 'silent' });
  let config: Config;

  beforeAll(async () => {
    database = await createTestDatabase('host');
    config = loadConfig(Schema, {
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'silent',
    });
  });
  afterAll(async () => {
    const redis = createRedis(TEST_REDIS_URL);
    await deleteRedisKeys(redis, prefix);
    await redis.quit();
    await database.drop();
  });

  it('migrates the schema, serves the routes, answers errors from the table, and starts in order', async () => {
    const events: string[] = [];
    const host = await createHost(aService(events), config, { logger });
    expect(host.hello).toBe('world');
    const server = await host.start();
    try {
      expect(events).toEqual(['start a', 'start b', 'started']);
      expect(await (await fetch(`${server.url}/notes/count`)).json()).toEqual({ n: 0 });
      const teapot = await fetch(`${server.url}/notes/teapot`);
      expect(teapot.status).toBe(418);
      expect(await teapot.json()).toEqual({
        error: { code: 'teapot', message: 'short and stout' },
      });
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    } finally {
      await host.stop();
    }
    expect(events.slice(3)).toEqual(['release a', 'release b', 'stop b', 'stop a']);
  });

  it('starts once: a second start() gives the same server; after stop() it refuses', async () => {
    const host = await createHost(aService([]), config, { logger });
    const [first, second] = await Promise.all([host.start(), host.start()]);
    expect(second).toBe(first);
    await host.stop();
    await expect(host.start()).rejects.toThrow(/stopped/);
  });

  it('stops once: a second stop() is harmless, and the server no longer answers', async () => {
    const events: string[] = [];
    const host = await createHost(aService(events), config, { logger });
    const server = await host.start();
    await Promise.all([host.stop(), host.stop()]);
    await host.stop();
    expect(events.filter((e) => e.startsWith('stop'))).toEqual(['stop b', 'stop a']);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('stops what wire opened even when it was never started', async () => {
    const events: string[] = [];
    const host = await createHost(aService(events), config, { logger });
    await host.stop();
    expect(events).toEqual(['release a', 'release b', 'stop b', 'stop a']);
  });

  it('starts only the lifecycles marked inLambda for a Lambda', async () => {
    const events: string[] = [];
    const host = await createHost(aService(events), config, { logger });
    await host.startInLambda();
    await host.stop();
    expect(events[0]).toBe('start b');
    expect(events).not.toContain('start a');
  });

  it('closes what it opened when wire fails, and says why', async () => {
    await expect(createHost(aService([], { failWire: true }), config, { logger })).rejects.toThrow(
      'wire failed',
    );
  });
});
