import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  createTestDatabase,
  testRedisPrefix,
  TEST_REDIS_URL,
  type TestDatabase,
} from '@flowgenie/testing';
import type { HttpApiEvent } from '@flowgenie/runtime/lambda';
import { createLambdaHandler } from '../src/lambda';

/** An API Gateway HTTP API (payload 2.0) request; API Gateway passes cookies in `cookies`, not in a header. */
function apiEvent(
  method: string,
  rawPath: string,
  opts: { body?: unknown; cookies?: string[] } = {},
): HttpApiEvent {
  return {
    version: '2.0',
    rawPath,
    rawQueryString: '',
    headers: {
      host: 'abc123.execute-api.eu-west-1.amazonaws.com',
      ...(opts.body ? { 'content-type': 'application/json' } : {}),
    },
    ...(opts.cookies ? { cookies: opts.cookies } : {}),
    ...(opts.body ? { body: JSON.stringify(opts.body), isBase64Encoded: false } : {}),
    requestContext: { requestId: randomUUID(), http: { method, sourceIp: '198.51.100.7' } },
  };
}

describe('the auth Lambda', () => {
  let database: TestDatabase;
  let tmp: string;
  let handler: ReturnType<typeof createLambdaHandler>;
  const prefix = testRedisPrefix('auth-lambda');

  beforeAll(async () => {
    database = await createTestDatabase('auth_lambda');
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'fg-auth-lambda-'));
    handler = createLambdaHandler({
      env: {
        DATABASE_URL: database.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        DATA_DIR: path.join(tmp, 'data'),
        LOG_LEVEL: 'silent',
        EVENT_BUS: 'aws',
        EVENT_BUS_NAME: 'flowgenie-test',
        ARGON2_MEMORY_KIB: '1024',
        ARGON2_TIME_COST: '1',
        ARGON2_PARALLELISM: '1',
      },
    });
  });

  afterAll(async () => {
    await handler?.close();
    await database?.drop();
    await fs.rm(tmp, { recursive: true, force: true });
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('serves the JWKS at the URL cdk-constructs gives every service (/api/auth/.well-known/jwks.json)', async () => {
    const res = await handler(apiEvent('GET', '/api/auth/.well-known/jwks.json'));
    expect(res.statusCode).toBe(200);
    const { keys } = JSON.parse(res.body);
    expect(keys).toEqual([expect.objectContaining({ kty: 'EC', crv: 'P-256', use: 'sig' })]);
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('signs up a browser and refreshes its session with the cookie the response set', async () => {
    const email = `lambda-${randomUUID().slice(0, 8)}@example.test`;
    const signedUp = await handler(
      apiEvent('POST', '/api/auth/signup', {
        body: { email, password: 'correct horse battery staple', client: 'browser' },
      }),
    );
    expect(signedUp.statusCode).toBe(201);
    expect(JSON.parse(signedUp.body)).not.toHaveProperty('refreshToken');
    // HTTP API v2 answers carry Set-Cookie values in `cookies`.
    const cookie = signedUp.cookies.find((c) => c.startsWith('__Host-fg_refresh='));
    expect(cookie).toMatch(/Path=\/;/);
    expect(cookie).toMatch(/HttpOnly/);

    const refreshed = await handler(
      apiEvent('POST', '/api/auth/refresh', { cookies: [cookie!.split(';')[0]] }),
    );
    expect(refreshed.statusCode).toBe(200);
    expect(JSON.parse(refreshed.body)).toMatchObject({
      user: { email },
      accessToken: expect.any(String),
    });
  });
});
