import type { WebhookResponseMessage } from '@flowgenie/contracts';
import { processWebhookAnswers } from '@flowgenie/messaging/local';
import { createRedis, closeRedis } from '@flowgenie/platform';
import { TEST_REDIS_URL, testRedisPrefix, waitFor } from '@flowgenie/testing';
import { RedisWebhookResponder } from '../src/adapters/messaging/redis-webhook-responder';

jest.setTimeout(30_000);

describe('webhook answers for callers waiting in this process', () => {
  const prefix = testRedisPrefix('answers');
  const redis = createRedis(TEST_REDIS_URL);
  const subscriber = createRedis(TEST_REDIS_URL);
  const onRedis: WebhookResponseMessage[] = [];

  beforeAll(async () => {
    subscriber.on('pmessage', (_p: string, _c: string, raw: string) =>
      onRedis.push(JSON.parse(raw)),
    );
    await subscriber.psubscribe(`${prefix}:webhook-response:*`);
  });
  afterAll(async () => {
    await closeRedis(subscriber);
    await closeRedis(redis);
  });

  const answers = (executionId: string): WebhookResponseMessage[] => [
    { kind: 'respond', executionId, status: 200, headers: {}, body: { ok: true } },
    { kind: 'final', executionId, status: 'succeeded', output: { ok: true } },
  ];

  it('hands the answer to the caller waiting here, and publishes nothing for that execution', async () => {
    // Prepare: a caller of this process waits for one execution
    const waiting = 'e-here';
    const taken: WebhookResponseMessage[] = [];
    const unlisten = processWebhookAnswers.listen(prefix, (m) => {
      if (m.executionId !== waiting) return false;
      taken.push(m);
      return true;
    });
    try {
      // Act: the answers of that execution and of one whose caller waits elsewhere
      await new RedisWebhookResponder(redis, prefix).publish([
        ...answers(waiting),
        ...answers('e-elsewhere'),
      ]);

      // Assess: the first answer taken here, the final status not published for nobody;
      // the other execution's answers on Redis as before
      expect(taken).toEqual([answers(waiting)[0]]);
      await waitFor(() => onRedis.length >= 2);
      expect(onRedis.map((m) => [m.kind, m.executionId])).toEqual([
        ['respond', 'e-elsewhere'],
        ['final', 'e-elsewhere'],
      ]);
    } finally {
      unlisten();
    }
  });

  it('publishes everything once nobody here listens, and only to its own deployment', async () => {
    // A listener of this deployment that stopped, and one of another deployment taking everything
    const unlisten = processWebhookAnswers.listen(prefix, () => true);
    unlisten();
    const other = processWebhookAnswers.listen(`${prefix}-other`, () => true);
    onRedis.length = 0;
    try {
      await new RedisWebhookResponder(redis, prefix).publish(answers('e-1'));
      await waitFor(() => onRedis.length >= 2);
      expect(onRedis.map((m) => m.kind)).toEqual(['respond', 'final']);
    } finally {
      other();
    }
  });
});
