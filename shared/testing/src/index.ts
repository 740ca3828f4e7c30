import { randomBytes } from 'node:crypto';
import pg from 'pg';

const ADMIN_URL =
  process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestDatabase {
  /** Connection URL of a fresh, empty database of its own. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A fresh database for one test suite (dropped by `drop()`), so suites never see each other's rows.
 *
 * @example
 * let db: TestDatabase;
 * beforeAll(async () => { db = await createTestDatabase('auth'); });
 * afterAll(() => db.drop());
 */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const name = `fg_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  await admin(`create database "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin(`drop database if exists "${name}" with (force)`),
  };
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A Redis key prefix of its own for one suite (BullMQ queues and any keys live under it). */
export function testRedisPrefix(label = 'test'): string {
  return `fgtest-${label}-${randomBytes(4).toString('hex')}`;
}

/** The Redis calls `deleteRedisKeys` needs (an ioredis client has them). */
export interface RedisKeyCommands {
  scan(
    cursor: string,
    match: 'MATCH',
    pattern: string,
    count: 'COUNT',
    n: number,
  ): Promise<[string, string[]]>;
  del(...keys: string[]): Promise<number>;
}

/** Deletes every key under a suite's prefix (`prefix:*`), so a suite leaves nothing behind. */
export async function deleteRedisKeys(redis: RedisKeyCommands, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Resolves when `check` returns a truthy value; rejects with `message` after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  opts: { timeoutMs?: number; intervalMs?: number; message?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${opts.message ?? 'condition not met'} within ${opts.timeoutMs ?? 10_000} ms${last ? `: ${String(last)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50));
  }
}

export {
  countRows,
  expectUnstorableRefused,
  listRoutes,
  routesWithBody,
  unstorableBodies,
} from './hostile-json';
export { startTcpProxy, type TcpProxy } from './tcp-proxy';
export {
  ALL_TEST_SCOPES,
  createTestTokens,
  TEST_AUDIENCE,
  TEST_ISSUER,
  type TestTokens,
} from './tokens';
export {
  httpClient,
  type CallOptions,
  type HttpAnswer,
  type HttpCall,
  type Json,
} from './http-client';
export { statementCounter } from './statements';
