import { sql, type Kysely } from 'kysely';
import {
  createTestDatabase,
  startTcpProxy,
  TEST_REDIS_URL,
  waitFor,
  type TcpProxy,
  type TestDatabase,
} from '@flowgenie/testing';
import {
  closeRedis,
  createDb,
  createHttpApp,
  createLogger,
  createRedis,
  finishHttpApp,
  startHttpServer,
  type Redis,
  type RunningServer,
} from '../src';

jest.setTimeout(30_000);

const logger = createLogger({ service: 'outage-test', level: 'silent' });

/**
 * An app whose routes read Postgres and Redis through TCP proxies this suite controls, so it can
 * cut and heal the connections without touching the shared servers.
 */
describe('a service while Postgres or Redis is unreachable', () => {
  let database: TestDatabase;
  let pgProxy: TcpProxy;
  let redisProxy: TcpProxy;
  let db: Kysely<unknown>;
  let redis: Redis;
  let server: RunningServer;

  beforeAll(async () => {
    database = await createTestDatabase('platform_outage');
    pgProxy = await startTcpProxy({ port: Number(new URL(database.url).port) });
    redisProxy = await startTcpProxy({ port: Number(new URL(TEST_REDIS_URL).port) });
    db = createDb({ url: pgProxy.urlThrough(database.url), schema: 'public', max: 3, logger });
    redis = createRedis(redisProxy.urlThrough(TEST_REDIS_URL), { use: 'request', logger });
    const app = createHttpApp({ logger });
    app.get('/from-db', async (_req, res) => {
      const { rows } = await sql<{ n: number }>`select 1 as n`.execute(db);
      res.json(rows[0]);
    });
    app.get('/from-redis', async (_req, res) => {
      res.json({ pong: await redis.ping() });
    });
    finishHttpApp(app, { logger });
    server = await startHttpServer(app, { port: 0 });
  });

  afterAll(async () => {
    await server?.close();
    pgProxy?.heal();
    redisProxy?.heal();
    await closeRedis(redis);
    await db?.destroy();
    await pgProxy?.close();
    await redisProxy?.close();
    await database?.drop();
  });

  const get = async (path: string) => {
    const res = await fetch(`${server.url}${path}`);
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      body: (await res.json()) as { error: { code: string } },
    };
  };

  it('answers 503 with Retry-After while the database is cut, survives a transaction cut mid-way, and recovers', async () => {
    expect((await get('/from-db')).status).toBe(200);
    // A client checked out of the pool and idle inside a transaction when the connection drops:
    // this is what used to end the process with an unhandled 'error' event.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const transaction = db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      await held;
      await sql`select 2`.execute(trx);
    });
    const transactionOutcome = transaction.then(
      () => 'committed',
      (err: Error) => err.message,
    );
    await waitFor(() => pgProxy.connectionsMade > 0);

    pgProxy.cut();
    release();
    expect(await transactionOutcome).toMatch(/Connection terminated|not queryable|ECONNRESET/);
    const during = await get('/from-db');
    expect(during).toEqual({
      status: 503,
      retryAfter: '5',
      body: {
        error: {
          code: 'service_unavailable',
          message: expect.stringMatching(/unreachable; retry in 5 s/),
        },
      },
    });

    pgProxy.heal();
    await waitFor(async () => (await get('/from-db')).status === 200, {
      timeoutMs: 10_000,
      message: 'the service did not recover',
    });
    expect((await get('/from-db')).body).toEqual({ n: 1 });
  });

  it('answers 503 with Retry-After while Redis is cut, and recovers', async () => {
    expect((await get('/from-redis')).body).toEqual({ pong: 'PONG' });
    redisProxy.cut();
    const during = await get('/from-redis');
    expect(during.status).toBe(503);
    expect(during.retryAfter).toBe('5');
    expect(during.body.error.code).toBe('service_unavailable');

    redisProxy.heal();
    await waitFor(async () => (await get('/from-redis')).status === 200, {
      timeoutMs: 10_000,
      message: 'the service did not recover',
    });
  });
});
