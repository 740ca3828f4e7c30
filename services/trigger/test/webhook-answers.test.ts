import type { WebhookResponseMessage } from '@flowgenie/contracts';
import { processWebhookAnswers } from '@flowgenie/messaging/local';
import { createLogger } from '@flowgenie/platform';
import { TEST_REDIS_URL, testRedisPrefix } from '@flowgenie/testing';
import { RedisWebhookResponseWaiter } from '../src/adapters/webhook/redis-response-waiter';

jest.setTimeout(30_000);

describe('a webhook caller waiting for an executor of this process', () => {
  it('gets the answer handed over in process; answers for others and after stop are not taken', async () => {
    const prefix = testRedisPrefix('waiter');
    const waiter = new RedisWebhookResponseWaiter({
      redisUrl: TEST_REDIS_URL,
      prefix,
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    await waiter.start();
    const answer: WebhookResponseMessage = {
      kind: 'respond',
      executionId: 'e-1',
      status: 201,
      headers: {},
      body: { ok: true },
    };
    try {
      const pending = waiter.register('e-1');
      const answered = pending.wait(5_000);

      expect(processWebhookAnswers.deliver(prefix, { ...answer, executionId: 'e-2' })).toBe(false);
      expect(processWebhookAnswers.deliver(prefix, answer)).toBe(true);
      expect(await answered).toEqual(answer);
      expect(waiter.waiting).toBe(0);
    } finally {
      await waiter.stop();
    }
    waiter.register('e-3');
    expect(processWebhookAnswers.deliver(prefix, { ...answer, executionId: 'e-3' })).toBe(false);
  });
});
