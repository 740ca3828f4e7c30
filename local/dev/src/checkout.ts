import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { createRedis } from '@flowgenie/platform';
import { DATA_DIR, REPO_ROOT } from './paths';

/** The auth service's key file in the data directory (services/auth: SECRETS_KEY_FILE). */
export const AUTH_KEY_FILE = 'auth-keys.key';
/** The master key of secret config values (catalog and trigger: SECRETS_KEY_FILE), as the stack places it. */
export const SECRETS_KEY_FILE = 'secrets.key';
/**
 * The token services present to each other on internal routes (INTERNAL_SERVICE_TOKEN_FILE, e.g.
 * the executor asking auth for a connection's access token), as the stack places it.
 */
export const INTERNAL_TOKEN_FILE = 'internal.token';
const POSTGRES = 'postgres://postgres@127.0.0.1:5432';
const REDIS = 'redis://127.0.0.1:6379';

/**
 * Where one checkout keeps its state. The key file lives in the checkout (`.data/`), so the
 * database and Redis keys it seals must be the checkout's own too: by default they are named
 * after a short hash of the checkout's path, and DATABASE_URL / REDIS_PREFIX / DATA_DIR override.
 */
export interface CheckoutSettings {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  dataDir: string;
}

/** 8 hex characters naming this checkout: the same path always gives the same id. */
export function checkoutId(repoRoot = REPO_ROOT): string {
  const real = fs.existsSync(repoRoot) ? fs.realpathSync(repoRoot) : path.resolve(repoRoot);
  return createHash('sha256').update(real).digest('hex').slice(0, 8);
}

/**
 * The start command's settings: `flowgenie_<id>` and Redis prefix `fg-<id>` for this checkout
 * unless the environment names others.
 *
 * @example
 * checkoutSettings({}, '/home/ann/flowgenie').databaseUrl // postgres://…/flowgenie_3f9a1c2e
 */
export function checkoutSettings(
  env: NodeJS.ProcessEnv = process.env,
  repoRoot = REPO_ROOT,
): CheckoutSettings {
  const id = checkoutId(repoRoot);
  return {
    databaseUrl: env.DATABASE_URL || `${POSTGRES}/flowgenie_${id}`,
    redisUrl: env.REDIS_URL || REDIS,
    redisPrefix: env.REDIS_PREFIX || `fg-${id}`,
    dataDir: env.DATA_DIR || (repoRoot === REPO_ROOT ? DATA_DIR : path.join(repoRoot, '.data')),
  };
}

export function databaseNameOf(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
}

/**
 * What to tell the user when the stack failed to start, from the last log lines of the process
 * that stopped; undefined when there is nothing more specific to say than the log.
 */
export function explainStartFailure(
  lastLines: string[],
  settings: CheckoutSettings,
): string | undefined {
  if (!lastLines.some((l) => l.includes('cannot decrypt the stored signing key'))) return undefined;
  const keyFile = path.join(settings.dataDir, AUTH_KEY_FILE);
  return [
    `The database "${databaseNameOf(settings.databaseUrl)}" holds a token signing key sealed with another key file than`,
    `${keyFile} (the key file was deleted or replaced, or another checkout shares this database).`,
    'Either:',
    `  - put the original key file back at ${keyFile}, or`,
    `  - start afresh: npm start -- --reset`,
    `    (drops database "${databaseNameOf(settings.databaseUrl)}", the Redis keys under "${settings.redisPrefix}:" and the key files; users and workflows in it are lost), or`,
    '  - use another database: DATABASE_URL=postgres://postgres@127.0.0.1:5432/<name> npm start',
  ].join('\n');
}

/**
 * `npm start -- --reset`: forgets this checkout's local state (its database, Redis keys and the
 * key files that sealed data in them) so the next start begins empty.
 */
export async function resetCheckout(
  settings: CheckoutSettings,
  log: (message: string) => void = () => undefined,
): Promise<void> {
  const name = databaseNameOf(settings.databaseUrl);
  const admin = new URL(settings.databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({
    connectionString: admin.toString(),
    connectionTimeoutMillis: 5000,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`drop database if exists "${name.replace(/"/g, '""')}" with (force)`);
  } finally {
    await client.end();
  }
  log(`dropped database "${name}"`);
  await deleteRedisPrefix(settings.redisUrl, settings.redisPrefix);
  log(`deleted Redis keys under "${settings.redisPrefix}:"`);
  for (const file of [AUTH_KEY_FILE, SECRETS_KEY_FILE, INTERNAL_TOKEN_FILE]) {
    fs.rmSync(path.join(settings.dataDir, file), { force: true });
    log(`deleted ${path.join(settings.dataDir, file)}`);
  }
}

/** Deletes every Redis key under `prefix` (a test or benchmark stack's queues, schedulers, channels). */
export async function deleteRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = createRedis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * Creates the internal service token file (32 random bytes, base64url, readable by this user only)
 * unless it exists. The stack does it once before starting the services, which only read it.
 *
 * @example
 * ensureInternalTokenFile('.data/internal.token') // true when it was created
 */
export function ensureInternalTokenFile(file: string): boolean {
  if (fs.existsSync(file)) return false;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  return true;
}
