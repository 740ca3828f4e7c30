import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createRedis, type Redis } from '@flowgenie/platform';
import { createTestDatabase, TEST_REDIS_URL, testRedisPrefix } from '@flowgenie/testing';
import {
  AUTH_KEY_FILE,
  checkoutSettings,
  SECRETS_KEY_FILE,
  INTERNAL_TOKEN_FILE,
  ensureInternalTokenFile,
  explainStartFailure,
  resetCheckout,
} from '../src/checkout';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-checkout-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const aCheckout = (name: string) => {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
};

describe('the start command’s defaults per checkout', () => {
  it('gives two checkouts on one machine their own database and Redis prefix', () => {
    const first = checkoutSettings({}, aCheckout('flowgenie'));
    const second = checkoutSettings({}, aCheckout('flowgenie-copy'));
    expect(first.databaseUrl).toMatch(
      /^postgres:\/\/postgres@127\.0\.0\.1:5432\/flowgenie_[0-9a-f]{8}$/,
    );
    expect(first.redisPrefix).toMatch(/^fg-[0-9a-f]{8}$/);
    expect(second.databaseUrl).not.toBe(first.databaseUrl);
    expect(second.redisPrefix).not.toBe(first.redisPrefix);
    expect(first.dataDir).toBe(path.join(tmp, 'flowgenie', '.data'));
  });

  it('keeps the same names for the same checkout, however its path is spelled', () => {
    const dir = aCheckout('same');
    const link = path.join(tmp, 'link-to-same');
    fs.symlinkSync(dir, link);
    expect(checkoutSettings({}, link)).toEqual({
      ...checkoutSettings({}, dir),
      dataDir: path.join(link, '.data'),
    });
    expect(checkoutSettings({}, `${dir}/`).databaseUrl).toBe(checkoutSettings({}, dir).databaseUrl);
  });

  it('lets DATABASE_URL, REDIS_URL, REDIS_PREFIX and DATA_DIR override the defaults', () => {
    const env = {
      DATABASE_URL: 'postgres://u@db:5433/shared',
      REDIS_URL: 'redis://cache:6380',
      REDIS_PREFIX: 'team',
      DATA_DIR: '/var/fg',
    };
    expect(checkoutSettings(env, aCheckout('overridden'))).toEqual({
      databaseUrl: 'postgres://u@db:5433/shared',
      redisUrl: 'redis://cache:6380',
      redisPrefix: 'team',
      dataDir: '/var/fg',
    });
  });
});

describe('when the key file cannot open the stored signing key', () => {
  const settings = {
    databaseUrl: 'postgres://postgres@127.0.0.1:5432/flowgenie_0a1b2c3d',
    redisUrl: TEST_REDIS_URL,
    redisPrefix: 'fg-0a1b2c3d',
    dataDir: '/src/fg/.data',
  };
  // What the auth process prints on stderr before it exits (services/auth JoseAccessTokenIssuer).
  const authLines = [
    '{"level":30,"service":"auth","msg":"migrations applied"}',
    'Error: cannot decrypt the stored signing key 2c1f…: the secrets key differs from the one that sealed it (was the key file replaced?).',
  ];

  it('says what happened and exactly what to do, reset included', () => {
    const advice = explainStartFailure(authLines, settings)!;
    expect(advice).toContain(
      'The database "flowgenie_0a1b2c3d" holds a token signing key sealed with another key file than',
    );
    expect(advice).toContain(path.join('/src/fg/.data', AUTH_KEY_FILE));
    expect(advice).toContain('npm start -- --reset');
    expect(advice).toContain('DATABASE_URL=');
  });

  it('adds nothing to other start failures', () => {
    expect(
      explainStartFailure(
        ['Error: listen EADDRINUSE: address already in use 127.0.0.1:3001'],
        settings,
      ),
    ).toBeUndefined();
  });
});

describe('npm start -- --reset', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = createRedis(TEST_REDIS_URL);
  });
  afterAll(() => redis.quit());

  it("drops the checkout's database, its Redis keys and its key files, and nothing else", async () => {
    const database = await createTestDatabase('checkout_reset');
    const neighbour = await createTestDatabase('checkout_neighbour');
    const prefix = testRedisPrefix('checkout-reset');
    const otherPrefix = testRedisPrefix('checkout-other');
    const dataDir = aCheckout('reset/.data');
    fs.writeFileSync(path.join(dataDir, AUTH_KEY_FILE), 'key');
    fs.writeFileSync(path.join(dataDir, SECRETS_KEY_FILE), 'key');
    ensureInternalTokenFile(path.join(dataDir, INTERNAL_TOKEN_FILE));
    fs.writeFileSync(path.join(dataDir, 'unrelated.txt'), 'kept');
    await redis.set(`${prefix}:bull:steps:meta`, '1');
    await redis.set(`${otherPrefix}:bull:steps:meta`, '1');
    const exists = async (name: string) => {
      const client = new pg.Client({
        connectionString: 'postgres://postgres@127.0.0.1:5432/postgres',
      });
      await client.connect();
      try {
        return (
          (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount ===
          1
        );
      } finally {
        await client.end();
      }
    };
    try {
      const said: string[] = [];
      await resetCheckout(
        { databaseUrl: database.url, redisUrl: TEST_REDIS_URL, redisPrefix: prefix, dataDir },
        (m) => said.push(m),
      );

      expect(await exists(database.name)).toBe(false);
      expect(await exists(neighbour.name)).toBe(true);
      expect(await redis.exists(`${prefix}:bull:steps:meta`)).toBe(0);
      expect(await redis.exists(`${otherPrefix}:bull:steps:meta`)).toBe(1);
      expect(fs.readdirSync(dataDir)).toEqual(['unrelated.txt']);
      expect(said).toEqual([
        `dropped database "${database.name}"`,
        `deleted Redis keys under "${prefix}:"`,
        `deleted ${path.join(dataDir, AUTH_KEY_FILE)}`,
        `deleted ${path.join(dataDir, SECRETS_KEY_FILE)}`,
        `deleted ${path.join(dataDir, INTERNAL_TOKEN_FILE)}`,
      ]);
    } finally {
      await redis.del(`${otherPrefix}:bull:steps:meta`);
      await database.drop();
      await neighbour.drop();
    }
  });
});

describe('the internal service token file', () => {
  it('is created once, readable by its owner only, and kept on the next start', () => {
    const file = path.join(aCheckout('token/.data'), INTERNAL_TOKEN_FILE);
    expect(ensureInternalTokenFile(file)).toBe(true);
    const token = fs.readFileSync(file, 'utf8');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fs.statSync(file).mode & 0o077).toBe(0);

    expect(ensureInternalTokenFile(file)).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe(token);
  });

  it('differs between checkouts', () => {
    const a = path.join(aCheckout('token-a/.data'), INTERNAL_TOKEN_FILE);
    const b = path.join(aCheckout('token-b/.data'), INTERNAL_TOKEN_FILE);
    ensureInternalTokenFile(a);
    ensureInternalTokenFile(b);
    expect(fs.readFileSync(a, 'utf8')).not.toBe(fs.readFileSync(b, 'utf8'));
  });
});
