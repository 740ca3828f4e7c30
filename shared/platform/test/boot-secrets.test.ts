import * as net from 'node:net';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createDb, loadConfig, dbEnv, resolveBootSecrets } from '@flowgenie/platform';
import { z } from 'zod';
import { SecretsManagerReader } from '../src/secrets-manager-reader';

const DB_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds-db-AbCdEf';
const TOKEN_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:fg-internal-XyZ';
const rds = (password: string) => JSON.stringify({ username: 'fg_admin', password });

/** Secrets Manager whose values can change under the caller, as a rotation does. */
function fakeSecretsManager(initial: Record<string, string>) {
  const values = new Map(Object.entries(initial));
  const sm = mockClient(SecretsManagerClient);
  sm.on(GetSecretValueCommand).callsFake((input: GetSecretValueCommand['input']) => {
    const value = values.get(input.SecretId!);
    if (value === undefined)
      throw new ResourceNotFoundException({ message: 'no such secret', $metadata: {} });
    return { SecretString: value };
  });
  const reads = () => sm.commandCalls(GetSecretValueCommand).length;
  return { sm, values, reads };
}

describe('SecretsManagerReader', () => {
  let fake: ReturnType<typeof fakeSecretsManager>;
  beforeAll(() => {
    fake = fakeSecretsManager({ [DB_ARN]: rds('first') });
  });
  afterAll(() => fake.sm.restore());
  beforeEach(() => fake.sm.resetHistory());

  it('reads a secret once while it is cached, and concurrent reads share one request', async () => {
    const reader = new SecretsManagerReader(new SecretsManagerClient({ region: 'eu-west-1' }));
    const [a, b] = await Promise.all([reader.read(DB_ARN), reader.read(DB_ARN)]);
    expect(await reader.read(DB_ARN)).toBe(rds('first'));
    expect([a, b]).toEqual([rds('first'), rds('first')]);
    expect(fake.reads()).toBe(1);
  });

  it('reads again after forget and after the TTL, so a rotated value is seen', async () => {
    let now = 0;
    const reader = new SecretsManagerReader(
      new SecretsManagerClient({ region: 'eu-west-1' }),
      1000,
      () => now,
    );
    await reader.read(DB_ARN);
    fake.values.set(DB_ARN, rds('second'));
    expect(await reader.read(DB_ARN)).toBe(rds('first'));
    reader.forget(DB_ARN);
    expect(await reader.read(DB_ARN)).toBe(rds('second'));
    fake.values.set(DB_ARN, rds('third'));
    now = 1001;
    expect(await reader.read(DB_ARN)).toBe(rds('third'));
    expect(fake.reads()).toBe(3);
    fake.values.set(DB_ARN, rds('first'));
  });

  it('does not cache a failed read', async () => {
    const reader = new SecretsManagerReader(new SecretsManagerClient({ region: 'eu-west-1' }));
    await expect(reader.read('arn:missing')).rejects.toThrow(/no such secret/);
    fake.values.set('arn:missing', 'now here');
    expect(await reader.read('arn:missing')).toBe('now here');
  });
});

describe('resolveBootSecrets (what a Lambda reads before it loads its configuration)', () => {
  let fake: ReturnType<typeof fakeSecretsManager>;
  beforeAll(() => {
    fake = fakeSecretsManager({
      [DB_ARN]: rds('p@ss:w/rd%?#'),
      [TOKEN_ARN]: 'internal-token-'.padEnd(40, 'x'),
    });
  });
  afterAll(() => fake.sm.restore());
  beforeEach(() => fake.sm.resetHistory());
  const reader = () => new SecretsManagerReader(new SecretsManagerClient({ region: 'eu-west-1' }));

  it('fills in the database user and password, and the internal token, so the config loads', async () => {
    const { env, database } = await resolveBootSecrets(
      {
        DATABASE_HOST: 'db.internal',
        DATABASE_SECRET_ARN: DB_ARN,
        DATABASE_SSLMODE: 'verify-full',
        INTERNAL_SERVICE_TOKEN_SECRET_ARN: TOKEN_ARN,
        GOOGLE_CLIENT_SECRET_ARN: TOKEN_ARN,
        SLACK_CLIENT_SECRET: 'given-wins',
        SLACK_CLIENT_SECRET_ARN: 'arn:never-read',
      },
      reader(),
    );
    expect(env.INTERNAL_SERVICE_TOKEN).toBe('internal-token-'.padEnd(40, 'x'));
    expect(env.GOOGLE_CLIENT_SECRET).toBe('internal-token-'.padEnd(40, 'x'));
    expect(env.SLACK_CLIENT_SECRET).toBe('given-wins');
    const config = loadConfig(z.object(dbEnv), env);
    const url = new URL(config.DATABASE_URL);
    expect(decodeURIComponent(url.username)).toBe('fg_admin');
    expect(decodeURIComponent(url.password)).toBe('p@ss:w/rd%?#');
    expect(url.searchParams.get('sslmode')).toBe('verify-full');
    expect(await database!.password()).toBe('p@ss:w/rd%?#');
    // Each secret was read once: the boot and the pool's first connection share the cache.
    expect(
      fake.sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId),
    ).toEqual([DB_ARN, TOKEN_ARN]);
  });

  it('reads nothing when the values are given, or no secret is named (local runs)', async () => {
    const given = { DATABASE_SECRET_ARN: DB_ARN, DATABASE_PASSWORD: 'set', DATABASE_HOST: 'db' };
    expect(await resolveBootSecrets(given, reader())).toEqual({ env: given });
    expect(await resolveBootSecrets({ DATABASE_URL: 'postgres://x@y/z' })).toEqual({
      env: { DATABASE_URL: 'postgres://x@y/z' },
    });
    expect(fake.reads()).toBe(0);
  });

  it('stops the boot naming the variable, never the value, when the secret is not an RDS secret', async () => {
    fake.values.set('arn:plain', 'hunter2-not-json');
    const failure = resolveBootSecrets({ DATABASE_SECRET_ARN: 'arn:plain' }, reader());
    await expect(failure).rejects.toThrow(
      /DATABASE_SECRET_ARN: the secret is not JSON with a "username" and a "password"/,
    );
    await expect(failure).rejects.not.toThrow(/hunter2/);
    await expect(
      resolveBootSecrets({ INTERNAL_SERVICE_TOKEN_SECRET_ARN: 'arn:gone' }, reader()),
    ).rejects.toThrow(
      /INTERNAL_SERVICE_TOKEN_SECRET_ARN: could not read the secret: no such secret/,
    );
  });

  it('without a secret read, loadConfig refuses a secret ARN with no password and says why', () => {
    expect(() =>
      loadConfig(z.object(dbEnv), { DATABASE_HOST: 'db', DATABASE_SECRET_ARN: DB_ARN }),
    ).toThrow(/DATABASE_SECRET_ARN: the secret was not read/);
  });
});

/**
 * A Postgres server that only authenticates (cleartext password) and accepts `expected()`:
 * enough for a pool to connect, and to refuse a stale password with SQLSTATE 28P01 as RDS does.
 */
function passwordOnlyPostgres(expected: () => string) {
  const seen: string[] = [];
  const message = (type: string, body: Buffer) => {
    const head = Buffer.alloc(5);
    head.write(type, 0);
    head.writeInt32BE(body.length + 4, 1);
    return Buffer.concat([head, body]);
  };
  const int32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };
  const server = net.createServer((socket) => {
    let buffered = Buffer.alloc(0);
    let started = false;
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (!started && buffered.length >= 4 && buffered.length >= buffered.readInt32BE(0)) {
        started = true;
        buffered = buffered.subarray(buffered.readInt32BE(0));
        socket.write(message('R', int32(3))); // AuthenticationCleartextPassword
      }
      if (started && buffered.length >= 5 && buffered[0] === 'p'.charCodeAt(0)) {
        const length = buffered.readInt32BE(1);
        if (buffered.length < length + 1) return;
        const password = buffered.subarray(5, length).toString('utf8').replace(/\0$/, '');
        buffered = buffered.subarray(length + 1);
        seen.push(password);
        if (password === expected()) {
          socket.write(message('R', int32(0)));
          socket.write(message('Z', Buffer.from('I')));
        } else {
          const fields = 'SFATAL\0C28P01\0Mpassword authentication failed\0\0';
          socket.end(message('E', Buffer.from(fields)));
        }
      }
    });
  });
  return { server, seen };
}

describe('the database pool with a password from a secret', () => {
  let fake: ReturnType<typeof fakeSecretsManager>;
  beforeAll(() => {
    fake = fakeSecretsManager({ [DB_ARN]: rds('before-rotation') });
  });
  afterAll(() => fake.sm.restore());

  it('after a rotation, a refused connection reads the secret again and connects (no failure seen)', async () => {
    // Arrange: boot with the current password, then the secret rotates.
    let current = 'before-rotation';
    const pg = passwordOnlyPostgres(() => current);
    await new Promise<void>((resolve) => pg.server.listen(0, '127.0.0.1', resolve));
    const port = (pg.server.address() as net.AddressInfo).port;
    const { env, database } = await resolveBootSecrets(
      { DATABASE_HOST: '127.0.0.1', DATABASE_PORT: String(port), DATABASE_SECRET_ARN: DB_ARN },
      new SecretsManagerReader(new SecretsManagerClient({ region: 'eu-west-1' })),
    );
    const config = loadConfig(z.object(dbEnv), env);
    const db = createDb({ url: config.DATABASE_URL, schema: 'auth', max: 1, password: database });
    try {
      await db.connection().execute(async () => 'first connection');
      current = 'after-rotation';
      fake.values.set(DB_ARN, rds('after-rotation'));

      // Act: a new connection (the pool of one is released and closed between the two).
      await (db as unknown as { destroy(): Promise<void> }).destroy();
      const db2 = createDb({
        url: config.DATABASE_URL,
        schema: 'auth',
        max: 1,
        password: database,
      });
      await expect(db2.connection().execute(async () => 'second connection')).resolves.toBe(
        'second connection',
      );
      await db2.destroy();

      // Assert
      expect(pg.seen).toEqual(['before-rotation', 'before-rotation', 'after-rotation']);
    } finally {
      await new Promise((resolve) => pg.server.close(resolve));
    }
  });
});
