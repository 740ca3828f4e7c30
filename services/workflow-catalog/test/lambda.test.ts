import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createRedis } from '@flowgenie/platform';
import {
  createTestDatabase,
  createTestTokens,
  testRedisPrefix,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TEST_REDIS_URL,
  type TestDatabase,
} from '@flowgenie/testing';
import type { HttpApiEvent } from '@flowgenie/runtime/lambda';
import { createLambdaHandler } from '../src/lambda';
import { aWebhookGraph } from './helpers';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** An API Gateway HTTP API (payload 2.0) request as the `ANY /api/workflows/{proxy+}` route delivers it. */
function apiEvent(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; query?: string } = {},
): HttpApiEvent {
  const headers: Record<string, string> = {
    host: 'abc123.execute-api.eu-west-1.amazonaws.com',
    'user-agent': 'jest',
  };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  return {
    version: '2.0',
    rawPath: path,
    rawQueryString: opts.query ?? '',
    headers,
    ...(opts.body !== undefined
      ? { body: Buffer.from(JSON.stringify(opts.body)).toString('base64'), isBase64Encoded: true }
      : {}),
    requestContext: { requestId: randomUUID(), http: { method, sourceIp: '203.0.113.9' } },
  };
}

describe('the catalog Lambda (EVENT_BUS=aws, database from its parts)', () => {
  const eventBridge = mockClient(EventBridgeClient);
  let database: TestDatabase;
  let handler: ReturnType<typeof createLambdaHandler>;
  let token: string;
  let tokens: Awaited<ReturnType<typeof createTestTokens>>;
  let ownerId: string;
  const prefix = testRedisPrefix('catalog_lambda');

  beforeAll(async () => {
    database = await createTestDatabase('catalog_lambda');
    tokens = await createTestTokens();
    ownerId = randomUUID();
    token = await tokens.sign(ownerId, 'lambda@example.test');
    const url = new URL(database.url);
    // What cdk-constructs gives the function (the password comes from the environment here).
    handler = createLambdaHandler({
      env: {
        EVENT_BUS: 'aws',
        EVENT_BUS_NAME: 'flowgenie-test',
        // The catalog consumes no events (no QUEUE_URL); nothing answers on this address.
        EXECUTION_INTERNAL_URL: 'http://127.0.0.1:9',
        DATABASE_HOST: url.hostname,
        DATABASE_PORT: url.port || '5432',
        DATABASE_NAME: database.name,
        DATABASE_USER: decodeURIComponent(url.username) || 'postgres',
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        AUTH_ISSUER: TEST_ISSUER,
        AUTH_AUDIENCE: TEST_AUDIENCE,
        LOG_LEVEL: 'silent',
        SERVICE_NAME: 'workflow-catalog',
      },
      compose: { keySet: tokens.keySet },
    });
  });

  beforeEach(() => {
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).callsFake(async (input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map(() => ({ EventId: randomUUID() })),
    }));
  });

  afterAll(async () => {
    await handler?.close();
    eventBridge.restore();
    const redis = createRedis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await database?.drop();
  });

  const json = (result: { body: string }) => JSON.parse(result.body);
  const putEntries = () =>
    eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);

  it('serves the public API path through an HTTP API v2 event and publishes what the request wrote before returning', async () => {
    // Act: create and publish a workflow the way API Gateway calls the function.
    const created = await handler(
      apiEvent('POST', '/api/workflows', {
        token,
        body: { name: 'From Lambda', graph: aWebhookGraph() },
      }),
    );
    expect(created.statusCode).toBe(201);
    expect(created.headers['content-type']).toMatch(/^application\/json/);
    const { id } = json(created);
    const published = await handler(apiEvent('POST', `/api/workflows/${id}/publish`, { token }));

    // Assess: the answer, and workflow.published put on the EventBridge bus by the time the invocation returned.
    expect(published.statusCode).toBe(201);
    const entries = putEntries();
    expect(entries).toEqual([
      expect.objectContaining({
        EventBusName: 'flowgenie-test',
        DetailType: 'workflow.published',
        Source: 'flowgenie.workflow-catalog',
      }),
    ]);
    expect(JSON.parse(entries[0].Detail!)).toMatchObject({
      type: 'workflow.published',
      data: { workflowId: id, ownerId, version: 1 },
    });

    const listed = await handler(apiEvent('GET', '/api/workflows', { token, query: 'limit=5' }));
    expect(listed.statusCode).toBe(200);
    expect(json(listed).items.map((w: { id: string }) => w.id)).toEqual([id]);
    expect((await handler(apiEvent('GET', `/api/workflows/${id}`))).statusCode).toBe(401);
    expect((await handler(apiEvent('GET', '/api/node-types', { token }))).statusCode).toBe(200);
  });

  it('answers the workflows list with the last run unknown when the execution service cannot be reached', async () => {
    // Prepare: EXECUTION_INTERNAL_URL is the default loopback address, where nothing answers here.
    const created = await handler(
      apiEvent('POST', '/api/workflows', {
        token,
        body: { name: 'Runs in AWS', graph: aWebhookGraph() },
      }),
    );
    const workflowId = json(created).id as string;

    // Act
    const listed = await handler(apiEvent('GET', '/api/workflows', { token }));

    // Assess: 200, the workflow listed, its last run unknown rather than "never run".
    expect(listed.statusCode).toBe(200);
    expect(json(listed).items).toContainEqual(
      expect.objectContaining({ id: workflowId, lastExecution: null, lastExecutionKnown: false }),
    );
  });

  it('boots with the database credentials read from Secrets Manager (DATABASE_SECRET_ARN), once per cold start', async () => {
    // Arrange: the RDS-managed secret as CDK names it; the function's environment has no password.
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds-db-AbCdEf';
    const secrets = mockClient(SecretsManagerClient);
    const url = new URL(database.url);
    secrets.on(GetSecretValueCommand, { SecretId: arn }).resolves({
      SecretString: JSON.stringify({
        username: decodeURIComponent(url.username) || 'postgres',
        password: 'from-secrets-manager',
      }),
    });
    const fromSecret = createLambdaHandler({
      env: {
        AWS_REGION: 'eu-west-1',
        DATABASE_HOST: url.hostname,
        DATABASE_PORT: url.port || '5432',
        DATABASE_NAME: database.name,
        DATABASE_SECRET_ARN: arn,
        EVENT_BUS: 'aws',
        EVENT_BUS_NAME: 'flowgenie-test',
        QUEUE_URL:
          'https://sqs.eu-west-1.amazonaws.com/123456789012/flowgenie-test-workflow-catalog',
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        AUTH_ISSUER: TEST_ISSUER,
        AUTH_AUDIENCE: TEST_AUDIENCE,
        LOG_LEVEL: 'silent',
      },
      compose: { keySet: tokens.keySet },
    });
    try {
      // Act: two invocations of one warm function.
      const first = await fromSecret(apiEvent('GET', '/api/node-types', { token }));
      const second = await fromSecret(apiEvent('GET', '/api/node-types', { token }));

      // Assess: both answered; the secret was read for the boot and cached for the pool.
      expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
      const reads = secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input);
      expect(reads.length).toBeGreaterThanOrEqual(1);
      expect(reads.length).toBeLessThanOrEqual(2);
      expect(reads.every((input) => input.SecretId === arn)).toBe(true);
    } finally {
      await fromSecret.close();
      secrets.restore();
    }
  });
});
