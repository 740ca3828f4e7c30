import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { createLogger, createRedis } from '@flowgenie/platform';
import { deleteRedisKeys, testRedisPrefix, TEST_REDIS_URL, waitFor } from '@flowgenie/testing';
import { createEvent } from '../src';
import { LocalEventConsumer, LocalEventPublisher, consumerQueueName } from '../src/local';

jest.setTimeout(30_000);

const logger = createLogger({ service: 'test', level: 'silent' });
const PAYLOAD_BYTES = 1024 * 1024;

function largeTriggered() {
  return createEvent(
    'workflow.triggered',
    {
      executionId: randomUUID(),
      workflowId: randomUUID(),
      ownerId: randomUUID(),
      version: 1,
      mode: 'webhook',
      triggerNodeId: 'in',
      idempotencyKey: randomUUID(),
      payload: { method: 'POST', headers: {}, query: {}, body: 'x'.repeat(PAYLOAD_BYTES) },
      graph: {
        nodes: [{ id: 'in', type: 'webhook', position: { x: 0, y: 0 }, config: {} }],
        edges: [],
      },
      triggeredAt: new Date().toISOString(),
    },
    { source: 'trigger' },
  );
}

describe('local bus retention', () => {
  const connection = createRedis(TEST_REDIS_URL);
  const prefix = testRedisPrefix('bus-retention');
  const publisher = new LocalEventPublisher({ connection, prefix });
  const consumer = new LocalEventConsumer('execution', {
    connection,
    prefix,
    logger,
    backoffMs: 10,
  });
  const queue = new Queue(consumerQueueName('execution'), { connection, prefix });

  afterAll(async () => {
    await consumer.stop();
    await publisher.close();
    await queue.close();
    await deleteRedisKeys(connection, prefix);
    await connection.quit();
  });

  it('keeps no event data in Redis once a burst of large events has been handled', async () => {
    const handled = new Set<string>();
    await consumer.start({ 'workflow.triggered': async (event) => void handled.add(event.id) });
    const events = Array.from({ length: 8 }, largeTriggered);
    await publisher.publish(events);
    await waitFor(() => handled.size === events.length || undefined, {
      message: 'all events handled',
    });
    await waitFor(
      async () => ((await queue.getJobCountByTypes('active', 'wait')) === 0 ? true : undefined),
      { message: 'queue drained' },
    );

    // No job of a handled event is left (completed jobs keep nothing), and nothing under the prefix holds a payload.
    for (const event of events) expect(await queue.getJob(event.id)).toBeUndefined();
    let bytes = 0;
    let stream = '0';
    do {
      const [next, keys] = await connection.scan(stream, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      stream = next;
      for (const key of keys) bytes += (await connection.memory('USAGE', key)) ?? 0;
    } while (stream !== '0');
    expect(bytes).toBeLessThan(PAYLOAD_BYTES / 4);
  });
});
