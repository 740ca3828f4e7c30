import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import type { WorkflowGraph } from '@flowgenie/contracts';
import { createEvent } from '@flowgenie/messaging';
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

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const apiEvent = (method: string, rawPath: string, token?: string): HttpApiEvent => ({
  version: '2.0',
  rawPath,
  rawQueryString: '',
  headers: {
    host: 'abc123.execute-api.eu-west-1.amazonaws.com',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  },
  requestContext: { requestId: randomUUID(), http: { method, sourceIp: '203.0.113.10' } },
});

/** manual → delay (a minute) → transform: stays running while nobody executes its steps. */
const slowGraph: WorkflowGraph = {
  nodes: [
    { id: 'start', type: 'manual', position: { x: 0, y: 0 }, config: {} },
    { id: 'pause', type: 'delay', position: { x: 0, y: 0 }, config: { ms: 60_000 } },
  ],
  edges: [{ id: 'a', source: 'start', sourceHandle: 'main', target: 'pause' }],
};

describe('the execution Lambda (EVENT_BUS=aws)', () => {
  const eventBridge = mockClient(EventBridgeClient);
  const prefix = testRedisPrefix('execution_lambda');
  let database: TestDatabase;
  let handler: ReturnType<typeof createLambdaHandler>;
  let token: string;
  let ownerId: string;

  beforeAll(async () => {
    eventBridge.on(PutEventsCommand).callsFake(async (input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map(() => ({ EventId: randomUUID() })),
    }));
    database = await createTestDatabase('execution_lambda');
    const tokens = await createTestTokens();
    ownerId = randomUUID();
    token = await tokens.sign(ownerId, 'lambda@example.test');
    handler = createLambdaHandler({
      env: {
        DATABASE_URL: database.url,
        EVENT_BUS: 'aws',
        EVENT_BUS_NAME: 'flowgenie-test',
        QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/flowgenie-test-execution',
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        AUTH_ISSUER: TEST_ISSUER,
        AUTH_AUDIENCE: TEST_AUDIENCE,
        LOG_LEVEL: 'silent',
        // The events no consumer is routed to are published too: this test checks the bus.
        EXECUTION_EVENTS: 'all',
      },
      compose: { keySet: tokens.keySet },
    });
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

  it('starts an execution from an SQS record, cancels it over HTTP, and has put execution.canceled on the bus when the call returns', async () => {
    // Prepare: workflow.triggered as the execution inbox delivers it.
    const executionId = randomUUID();
    const workflowId = randomUUID();
    const triggered = createEvent(
      'workflow.triggered',
      {
        executionId,
        workflowId,
        ownerId,
        version: 1,
        mode: 'manual',
        triggerNodeId: 'start',
        idempotencyKey: `req-${executionId}`,
        payload: {},
        graph: slowGraph,
        triggeredAt: new Date().toISOString(),
      },
      { source: 'trigger' },
    );
    const record = {
      messageId: randomUUID(),
      body: JSON.stringify({ 'detail-type': triggered.type, detail: triggered }),
    };
    expect(await handler({ Records: [record] })).toEqual({ batchItemFailures: [] });
    expect(
      JSON.parse((await handler(apiEvent('GET', `/api/executions/${executionId}`, token))).body)
        .status,
    ).toBe('running');

    // Act
    const canceled = await handler(
      apiEvent('POST', `/api/executions/${executionId}/cancel`, token),
    );

    // Assess
    expect(canceled.statusCode).toBe(202);
    expect(JSON.parse(canceled.body)).toMatchObject({ id: executionId, status: 'canceled' });
    const entries = eventBridge
      .commandCalls(PutEventsCommand)
      .flatMap((call) => call.args[0].input.Entries ?? []);
    expect(entries.map((e) => e.DetailType)).toEqual(['execution.started', 'execution.canceled']);
    expect(JSON.parse(entries[1].Detail!)).toMatchObject({
      source: 'execution',
      data: { executionId, workflowId, ownerId },
    });
  });
});
