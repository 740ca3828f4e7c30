import { randomUUID } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import pino from 'pino';
import { createEvent } from '@flowgenie/messaging';
import {
  LocalDeadLetterStore,
  LocalEventConsumer,
  LocalEventPublisher,
} from '@flowgenie/messaging/local';
import { createRedis, type Redis } from '@flowgenie/platform';
import { TEST_REDIS_URL, testRedisPrefix, waitFor } from '@flowgenie/testing';
import { runDlqCommand, UsageError } from '../src/dlq';

describe('dead-letter CLI', () => {
  let redis: Redis;
  let store: LocalDeadLetterStore;
  let publisher: LocalEventPublisher;
  let consumer: LocalEventConsumer;
  const handled: string[] = [];
  let fixed = false;

  beforeAll(async () => {
    redis = createRedis(TEST_REDIS_URL);
    const prefix = testRedisPrefix('dlq');
    store = new LocalDeadLetterStore({ connection: redis, prefix });
    publisher = new LocalEventPublisher({ connection: redis, prefix });
    consumer = new LocalEventConsumer('trigger', {
      connection: redis,
      prefix,
      logger: pino({ level: 'silent' }),
    });
    await consumer.start({
      'workflow.deleted': async (event) => {
        // A bug that the operator fixes before replaying: the first delivery can never succeed.
        if (!fixed) throw new UnrecoverableError('handler bug: cannot delete');
        handled.push(event.id);
      },
    });
  });

  afterAll(async () => {
    await consumer.stop();
    await publisher.close();
    await store.close();
    redis.disconnect();
  });

  it('lists a dead-lettered event and replays it to its consumer', async () => {
    const event = createEvent(
      'workflow.deleted',
      { workflowId: randomUUID(), ownerId: randomUUID() },
      { source: 'test' },
    );
    await publisher.publish([event]);
    await waitFor(async () => (await store.list('trigger')).length === 1, {
      message: 'event dead-lettered',
    });

    const listed = await runDlqCommand(['list', 'trigger'], store);
    expect(listed.code).toBe(0);
    expect(listed.output).toContain(event.id);
    expect(listed.output).toContain('workflow.deleted');
    expect(listed.output).toContain('handler bug: cannot delete');
    const asJson = JSON.parse((await runDlqCommand(['list', 'trigger', '--json'], store)).output);
    expect(asJson).toEqual([
      expect.objectContaining({
        id: event.id,
        consumer: 'trigger',
        event: expect.objectContaining({ id: event.id }),
      }),
    ]);

    fixed = true;
    const replayed = await runDlqCommand(['replay', 'trigger', event.id], store);
    expect(replayed).toEqual({ code: 0, output: expect.stringContaining(`replayed ${event.id}`) });
    await waitFor(() => handled.includes(event.id), { message: 'replayed event handled' });
    expect((await runDlqCommand(['list', 'trigger'], store)).output).toBe('no dead letters');
  });

  it('says so when the id is not a dead letter, and refuses unknown consumers', async () => {
    expect(await runDlqCommand(['replay', 'trigger', 'nope'], store)).toEqual({
      code: 1,
      output: 'no dead letter nope for trigger',
    });
    await expect(runDlqCommand(['list', 'billing'], store)).rejects.toThrow(UsageError);
    await expect(runDlqCommand(['purge', 'trigger'], store)).rejects.toThrow(UsageError);
  });
});
