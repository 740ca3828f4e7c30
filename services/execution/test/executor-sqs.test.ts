import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { createSqsServer } from 'local-aws-sqs';
import type { WorkflowGraph } from '@flowgenie/contracts';
import { createEvent } from '@flowgenie/messaging';
import { createDb, createLogger, createRedis } from '@flowgenie/platform';
import {
  createTestDatabase,
  testRedisPrefix,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TEST_REDIS_URL,
  waitFor,
  type TestDatabase,
} from '@flowgenie/testing';
import { composeWorker } from '../src/compose-worker';
import { loadConfig, SCHEMA } from '../src/config';
import type { ExecutionDb } from '../src/adapters/persistence/execution.table';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** manual → transform: runs to the end on the executor alone. */
const graph: WorkflowGraph = {
  nodes: [
    { id: 'start', type: 'manual', position: { x: 0, y: 0 }, config: {} },
    {
      id: 'shape',
      type: 'transform',
      position: { x: 0, y: 0 },
      config: { expression: '{{ "done" }}' },
    },
  ],
  edges: [{ id: 'a', source: 'start', sourceHandle: 'main', target: 'shape' }],
};

/** The message EventBridge's rule puts on the execution queue for one event. */
function asDelivered(event: ReturnType<typeof createEvent>): string {
  return JSON.stringify({
    version: '0',
    id: randomUUID(),
    'detail-type': event.type,
    source: `flowgenie.${event.source}`,
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'eu-west-1',
    resources: [],
    detail: event,
  });
}

describe('the ECS executor with EVENT_BUS=aws', () => {
  const eventBridge = mockClient(EventBridgeClient);
  const published: { DetailType: string; Detail: string }[] = [];
  const prefix = testRedisPrefix('executor_sqs');
  let sqsServer: Server;
  let sqs: SQSClient;
  let queueUrl: string;
  let database: TestDatabase;
  let executor: Awaited<ReturnType<typeof composeWorker>>;
  let db: ReturnType<typeof createDb<ExecutionDb>>;

  beforeAll(async () => {
    eventBridge
      .on(PutEventsCommand)
      .callsFake(async (input: { Entries: { DetailType: string; Detail: string }[] }) => {
        published.push(...input.Entries);
        return {
          FailedEntryCount: 0,
          Entries: input.Entries.map(() => ({ EventId: randomUUID() })),
        };
      });
    sqsServer = await createSqsServer({
      port: 0,
      hostname: '127.0.0.1',
      emulateQueueCreationLifecycle: false,
    });
    sqs = new SQSClient({
      endpoint: `http://127.0.0.1:${(sqsServer.address() as AddressInfo).port}`,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    queueUrl = (
      await sqs.send(
        new CreateQueueCommand({
          QueueName: `execution-${randomUUID()}`,
          Attributes: { VisibilityTimeout: '30' },
        }),
      )
    ).QueueUrl!;
    database = await createTestDatabase('executor_sqs');
    db = createDb<ExecutionDb>({ url: database.url, schema: SCHEMA, max: 2 });
    const config = loadConfig({
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      EVENT_BUS: 'aws',
      EVENT_BUS_NAME: 'flowgenie-test',
      // The name cdk-constructs gives the executor's queue variable.
      QUEUE_URL: queueUrl,
      EXECUTOR_METRICS_PORT: '0',
      OUTBOX_POLL_MS: '50',
      // execution.succeeded has no consumer routed: published only with `all` (checked below).
      EXECUTION_EVENTS: 'all',
      AUTH_ISSUER: TEST_ISSUER,
      AUTH_AUDIENCE: TEST_AUDIENCE,
      LOG_LEVEL: 'silent',
    });
    executor = await composeWorker(config, {
      logger: createLogger({ service: 'executor-sqs-test', level: 'silent' }),
      eventsSqs: sqs,
      eventsWaitSeconds: 1,
    });
    await executor.start();
  });

  afterAll(async () => {
    await executor?.stop();
    await db?.destroy();
    sqs?.destroy();
    await new Promise<void>((r) => (sqsServer ? sqsServer.close(() => r()) : r()));
    eventBridge.restore();
    const redis = createRedis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await database?.drop();
  });

  it('runs a workflow.triggered message from the execution queue once, even delivered twice', async () => {
    const executionId = randomUUID();
    const event = createEvent(
      'workflow.triggered',
      {
        executionId,
        workflowId: randomUUID(),
        ownerId: randomUUID(),
        version: 1,
        mode: 'manual',
        triggerNodeId: 'start',
        idempotencyKey: `run-${executionId}`,
        payload: { hello: 'world' },
        graph,
        triggeredAt: new Date().toISOString(),
      },
      { source: 'trigger' },
    );
    // SQS delivers at least once: the same event twice.
    for (let i = 0; i < 2; i++)
      await sqs.send(
        new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: asDelivered(event) }),
      );

    const done = await waitFor(
      async () => {
        const row = await db
          .selectFrom('executions')
          .select(['status'])
          .where('id', '=', executionId)
          .executeTakeFirst();
        return row?.status === 'succeeded' ? row : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 50, message: `execution ${executionId} did not succeed` },
    );
    expect(done.status).toBe('succeeded');
    const rows = await db.selectFrom('executions').select('id').execute();
    expect(rows.map((r) => r.id)).toEqual([executionId]);

    // Both deliveries are deleted from the queue once handled.
    await waitFor(
      async () => {
        const attrs = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: queueUrl,
            AttributeNames: [
              'ApproximateNumberOfMessages',
              'ApproximateNumberOfMessagesNotVisible',
            ],
          }),
        );
        const left =
          Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 1) +
          Number(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 1);
        return left === 0 ? true : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 50, message: 'the queue still holds messages' },
    );
    // The outcome goes out on the bus, once.
    const succeeded = await waitFor(
      async () => {
        const found = published.filter(
          (e) =>
            e.DetailType === 'execution.succeeded' &&
            JSON.parse(e.Detail).data.executionId === executionId,
        );
        return found.length ? found : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 50, message: 'no execution.succeeded was published' },
    );
    expect(succeeded).toHaveLength(1);
  }, 40_000);
});
