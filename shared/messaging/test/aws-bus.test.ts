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
import {
  consumerNames,
  consumersOf,
  routingTable,
  type ConsumerName,
  type EventType,
} from '@flowgenie/contracts';
import { createLogger } from '@flowgenie/platform';
import { createEvent } from '../src';
import {
  EventBridgePublisher,
  EventTooLargeError,
  putEventsEntrySize,
  SqsDeadLetterStore,
  SqsEventConsumer,
  createSqsBatchHandler,
} from '../src/aws';
import { describeEventBus } from '../src/testing/conformance';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const logger = createLogger({ service: 'test', level: 'silent' });
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

let sqsServer: Server;
let endpoint: string;
beforeAll(async () => {
  sqsServer = await createSqsServer({
    port: 0,
    hostname: '127.0.0.1',
    emulateQueueCreationLifecycle: false,
  });
  endpoint = `http://127.0.0.1:${(sqsServer.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => sqsServer.close(() => r())));

/**
 * EventBridge has no local emulator: this stands in for the bus's rules by delivering each
 * PutEvents entry, wrapped as EventBridge delivers it, to the SQS queue of every consumer the
 * routing table names (the CDK app builds the real rules from the same table).
 */
function routeLikeEventBridge(sqs: SQSClient, queues: Record<ConsumerName, { queueUrl: string }>) {
  const eventBridge = mockClient(EventBridgeClient);
  eventBridge
    .on(PutEventsCommand)
    .callsFake(
      async (input: { Entries: { DetailType: string; Source: string; Detail: string }[] }) => {
        for (const entry of input.Entries) {
          const wrapped = {
            version: '0',
            id: randomUUID(),
            'detail-type': entry.DetailType,
            source: entry.Source,
            account: '123456789012',
            time: new Date().toISOString(),
            region: 'eu-west-1',
            resources: [],
            detail: JSON.parse(entry.Detail),
          };
          for (const consumer of consumersOf(entry.DetailType as EventType)) {
            await sqs.send(
              new SendMessageCommand({
                QueueUrl: queues[consumer].queueUrl,
                MessageBody: JSON.stringify(wrapped),
              }),
            );
          }
        }
        return {
          FailedEntryCount: 0,
          Entries: input.Entries.map(() => ({ EventId: randomUUID() })),
        };
      },
    );
  return eventBridge;
}

describeEventBus('AWS (EventBridge rules -> SQS, real SQS wire protocol)', async () => {
  const sqs = new SQSClient({ endpoint, region: 'eu-west-1', credentials });
  const run = randomUUID().slice(0, 8);
  const queues = {} as Record<ConsumerName, { queueUrl: string; dlqUrl: string }>;
  for (const consumer of consumerNames) {
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${run}-${consumer}-dlq` }));
    const dlqArn = (
      await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
      )
    ).Attributes!.QueueArn;
    const main = await sqs.send(
      new CreateQueueCommand({
        QueueName: `${run}-${consumer}`,
        Attributes: {
          VisibilityTimeout: '3',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }),
        },
      }),
    );
    queues[consumer] = { queueUrl: main.QueueUrl!, dlqUrl: dlq.QueueUrl! };
  }
  const eventBridge = routeLikeEventBridge(sqs, queues);
  const publisher = new EventBridgePublisher({
    client: new EventBridgeClient({ region: 'eu-west-1', credentials }),
    busName: 'flowgenie-test',
  });
  return {
    publisher,
    deadLetters: new SqsDeadLetterStore({ client: sqs, queues }),
    consumer: (name) =>
      new SqsEventConsumer(name, {
        client: sqs,
        queueUrl: queues[name].queueUrl,
        deadLetterQueueUrl: queues[name].dlqUrl,
        logger,
        waitTimeSeconds: 1,
      }),
    publishRaw: async (consumer, message) => {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queues[consumer].queueUrl,
          MessageBody: JSON.stringify({ 'detail-type': 'x', detail: message }),
        }),
      );
    },
    close: async () => {
      eventBridge.restore();
      sqs.destroy();
    },
  };
});

describe('EventBridge publisher', () => {
  afterEach(() => mockClient(EventBridgeClient).restore());
  const event = () =>
    createEvent(
      'workflow.deleted',
      { workflowId: randomUUID(), ownerId: randomUUID() },
      { source: 'workflow-catalog' },
    );

  it('sends batches of at most 10 entries with the event type as DetailType', async () => {
    const eb = mockClient(EventBridgeClient);
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const publisher = new EventBridgePublisher({
      client: new EventBridgeClient({ region: 'eu-west-1', credentials }),
      busName: 'bus',
    });
    await publisher.publish(Array.from({ length: 23 }, event));
    const sizes = eb.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries!.length);
    expect(sizes).toEqual([10, 10, 3]);
    const entry = eb.commandCalls(PutEventsCommand)[0].args[0].input.Entries![0];
    expect(entry).toMatchObject({
      EventBusName: 'bus',
      DetailType: 'workflow.deleted',
      Source: 'flowgenie.workflow-catalog',
    });
    expect(routingTable.trigger).toContain(entry.DetailType);
  });

  it('keeps every request under 256 KB and refuses an entry larger than that by itself', async () => {
    const eb = mockClient(EventBridgeClient);
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const publisher = new EventBridgePublisher({
      client: new EventBridgeClient({ region: 'eu-west-1', credentials }),
      busName: 'bus',
    });
    const graph = {
      nodes: [{ id: 'hook', type: 'webhook', position: { x: 0, y: 0 }, config: {} }],
      edges: [],
    };
    const triggered = (kb: number) =>
      createEvent(
        'workflow.triggered',
        {
          executionId: randomUUID(),
          workflowId: randomUUID(),
          ownerId: randomUUID(),
          version: 1,
          mode: 'webhook',
          triggerNodeId: 'hook',
          idempotencyKey: 'k',
          payload: { text: 'x'.repeat(kb * 1024) },
          graph,
          triggeredAt: new Date().toISOString(),
        },
        { source: 'trigger' },
      );
    // Five 100 KB events: two fit in one request, never three.
    await publisher.publish(Array.from({ length: 5 }, () => triggered(100)));
    const requests = eb.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries!);
    expect(requests.map((r) => r.length)).toEqual([2, 2, 1]);
    for (const entries of requests)
      expect(entries.reduce((n, e) => n + putEventsEntrySize(e), 0)).toBeLessThan(256 * 1024);

    eb.resetHistory();
    const huge = triggered(300);
    await expect(publisher.publish([event(), huge])).rejects.toThrow(
      new EventTooLargeError(
        huge.id,
        'workflow.triggered',
        putEventsEntrySize({
          Time: new Date(),
          Source: 'flowgenie.trigger',
          DetailType: 'workflow.triggered',
          Detail: JSON.stringify(huge),
        }),
      ),
    );
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(0);

    // Nor is any earlier batch sent: the outbox would publish those again on every relay round.
    await expect(
      publisher.publish([...Array.from({ length: 11 }, () => event()), huge]),
    ).rejects.toThrow(EventTooLargeError);
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('retries only the entries EventBridge reports as failed', async () => {
    const eb = mockClient(EventBridgeClient);
    eb.on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [
          { EventId: 'a' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' },
        ],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'b' }] });
    const publisher = new EventBridgePublisher({
      client: new EventBridgeClient({ region: 'eu-west-1', credentials }),
      busName: 'bus',
      retryDelayMs: 1,
    });
    const events = [event(), event()];
    await publisher.publish(events);
    const calls = eb.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(2);
    expect(JSON.parse(calls[1].args[0].input.Entries![0].Detail!).id).toBe(events[1].id);
  });

  it('throws when entries keep failing, so the outbox keeps them', async () => {
    const eb = mockClient(EventBridgeClient);
    eb.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'oops' }],
    });
    const publisher = new EventBridgePublisher({
      client: new EventBridgeClient({ region: 'eu-west-1', credentials }),
      busName: 'bus',
      retryDelayMs: 1,
      maxAttempts: 3,
    });
    await expect(publisher.publish([event()])).rejects.toThrow(/InternalFailure/);
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(3);
  });
});

describe('Lambda SQS batch handler', () => {
  it('reports only the records that failed, so only they are redelivered', async () => {
    const good = createEvent(
      'workflow.deleted',
      { workflowId: randomUUID(), ownerId: randomUUID() },
      { source: 't' },
    );
    const failing = createEvent(
      'workflow.deleted',
      { workflowId: randomUUID(), ownerId: randomUUID() },
      { source: 't' },
    );
    const handled: string[] = [];
    const handler = createSqsBatchHandler(logger, {
      'workflow.deleted': async (e) => {
        if (e.id === failing.id) throw new Error('nope');
        handled.push(e.id);
      },
    });
    const result = await handler({
      Records: [
        { messageId: 'm1', body: JSON.stringify({ 'detail-type': good.type, detail: good }) },
        { messageId: 'm2', body: JSON.stringify({ 'detail-type': failing.type, detail: failing }) },
        { messageId: 'm3', body: 'not json' },
      ],
    });
    expect(handled).toEqual([good.id]);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }]);
  });
});
