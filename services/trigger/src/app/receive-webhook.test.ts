import { randomUUID } from 'node:crypto';
import { afterForeground } from '@flowgenie/platform';
import {
  HookNotFoundError,
  HookRateLimitedError,
  InvalidSignatureError,
  MethodNotAllowedError,
  ReplayedRequestError,
} from '../domain/errors';
import type { Trigger } from '../domain/trigger';
import type { HookOutcome } from '../ports/trigger-metrics';
import { signatureHeader } from '../domain/webhook-signature';
import {
  MemoryFirings,
  MemoryRateLimiter,
  MemoryReplayGuard,
  MemoryTriggers,
  MemoryWaiter,
  noMetrics,
  silent,
} from './fakes.test-support';
import { ReceiveWebhook, type WebhookRequest } from './receive-webhook';
import type { CheckedPayload } from '@flowgenie/messaging';
import type { PayloadClaims } from '../ports/payload-claims';

const now = new Date('2026-05-01T10:00:00Z');

/** A payload store in memory with a claim check over it: stores whatever is above 256 bytes. */
class MemoryClaims implements PayloadClaims {
  readonly stored = new Map<string, unknown>();
  readonly log: string[] = [];
  failWith?: Error;
  constructor(private readonly firingLog?: string[]) {}
  async checkIn(payload: unknown, key: string): Promise<CheckedPayload> {
    if (JSON.stringify(payload).length <= 256) return { payload };
    if (this.failWith) throw this.failWith;
    this.stored.set(key, payload);
    this.firingLog?.push(`store ${key}`);
    return { payloadRef: { key, bytes: JSON.stringify(payload).length } };
  }
  async release(checked: CheckedPayload) {
    if ('payloadRef' in checked) this.stored.delete(checked.payloadRef.key);
  }
}

function setup(
  config: Record<string, unknown> = {},
  rateLimits = { perHook: 100, perIp: 100 },
  withClaims = false,
) {
  const rateLimiter = new MemoryRateLimiter();
  const replays = new MemoryReplayGuard();
  const triggers = new MemoryTriggers();
  const firings = new MemoryFirings(triggers);
  const waiter = new MemoryWaiter(firings.log);
  const claims = withClaims ? new MemoryClaims(firings.log) : undefined;
  const trigger: Trigger = {
    workflowId: randomUUID(),
    ownerId: randomUUID(),
    version: 2,
    hookId: 'hook-0123456789abcdef',
    type: 'webhook',
    config,
    graph: { nodes: [{ id: 'in', type: 'webhook', position: { x: 0, y: 0 }, config }], edges: [] },
    name: 'wf',
    active: true,
    updatedAt: now,
  };
  triggers.rows.set(trigger.workflowId, trigger);
  const outcomes: HookOutcome[] = [];
  let n = 0;
  const receive = new ReceiveWebhook({
    triggers,
    firings,
    waiter,
    metrics: { ...noMetrics, hookReceived: (outcome) => outcomes.push(outcome) },
    logger: silent,
    waitTimeoutMs: 1000,
    newId: () => `00000000-0000-4000-8000-00000000000${++n}`,
    now: () => now,
    secrets: { open: async (stored) => stored },
    rateLimiter,
    replays,
    rateLimits,
    payloads: claims,
  });
  const request = (over: Partial<WebhookRequest> = {}): WebhookRequest => ({
    hookId: trigger.hookId,
    method: 'POST',
    headers: {},
    query: {},
    rawBody: Buffer.from('{"a":1}'),
    body: { a: 1 },
    clientIp: '203.0.113.7',
    requestId: randomUUID(),
    ...over,
  });
  return {
    triggers,
    firings,
    waiter,
    trigger,
    receive,
    request,
    outcomes,
    rateLimiter,
    replays,
    claims,
  };
}

describe('ReceiveWebhook', () => {
  it('fires with the webhook payload and answers at once in immediately mode', async () => {
    const { receive, request, firings, trigger } = setup();
    const outcome = await receive.execute(request({ idempotencyKey: 'k1' }));
    expect(outcome).toEqual({ kind: 'accepted', executionId: firings.emitted[0].executionId });
    expect(firings.emitted[0]).toMatchObject({
      workflowId: trigger.workflowId,
      version: 2,
      mode: 'webhook',
      triggerNodeId: 'in',
      idempotencyKey: `webhook:${trigger.workflowId}:k1`,
      payload: { body: { a: 1 }, method: 'POST', query: {}, headers: {} },
    });
  });

  it('registers the response wait before the firing is recorded in respond_node mode', async () => {
    const { receive, request, firings, waiter } = setup({ responseMode: 'respond_node' });
    waiter.answers.set('00000000-0000-4000-8000-000000000001', {
      kind: 'respond',
      executionId: '00000000-0000-4000-8000-000000000001',
      status: 200,
      headers: {},
      body: 'ok',
    });
    const outcome = await receive.execute(request());
    expect(firings.log).toEqual(['register', 'record']);
    expect(outcome).toMatchObject({ kind: 'answered', message: { kind: 'respond', body: 'ok' } });
  });

  it.each([
    ['immediately', true],
    ['respond_node', false],
  ])(
    'in %s mode, background work of the process waits for the recording: %s',
    async (responseMode, waits) => {
      // Prepare: a firing store whose recording is held until released
      const { receive, request, firings, waiter } = setup({ responseMode });
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const record = firings.record.bind(firings);
      firings.record = async (f) => {
        await held;
        return record(f);
      };
      waiter.answers.set('00000000-0000-4000-8000-000000000001', {
        kind: 'final',
        executionId: '00000000-0000-4000-8000-000000000001',
        status: 'succeeded',
      });

      // Act: a call is being recorded while a background loop asks to go
      const call = receive.execute(request());
      await new Promise((r) => setImmediate(r));
      let backgroundWent = false;
      const background = afterForeground().then(() => (backgroundWent = true));
      await new Promise((r) => setTimeout(r, 30));
      const wentDuringRecording = backgroundWent;
      release();
      await Promise.all([call, background]);

      // Assess
      expect(wentDuringRecording).toBe(!waits);
      expect(firings.emitted).toHaveLength(1);
    },
  );

  it('answers a repeated key with the first execution and stops waiting for the new id', async () => {
    const { receive, request, waiter } = setup({ responseMode: 'respond_node' });
    const first = await receive.execute(request({ idempotencyKey: 'same' }));
    const second = await receive.execute(request({ idempotencyKey: 'same' }));
    expect(second).toEqual({ kind: 'duplicate', executionId: first.executionId });
    expect(waiter.cancelled).toContain('00000000-0000-4000-8000-000000000002');
  });

  it('refuses unknown or inactive hooks, other methods and bad signatures without recording anything', async () => {
    const { receive, request, firings, triggers, trigger, outcomes } = setup({
      method: 'GET',
      hmacSecret: 'sixteen-chars-secret',
    });
    await expect(receive.execute(request({ hookId: 'nope' }))).rejects.toBeInstanceOf(
      HookNotFoundError,
    );
    await expect(receive.execute(request({ method: 'POST' }))).rejects.toBeInstanceOf(
      MethodNotAllowedError,
    );
    await expect(receive.execute(request({ method: 'GET' }))).rejects.toBeInstanceOf(
      InvalidSignatureError,
    );
    triggers.rows.set(trigger.workflowId, { ...trigger, active: false });
    await expect(receive.execute(request({ method: 'GET' }))).rejects.toBeInstanceOf(
      HookNotFoundError,
    );
    expect(firings.log).toEqual([]);
    expect(outcomes).toEqual(['not_found', 'method_not_allowed', 'bad_signature', 'not_found']);
  });

  it('fires on a good signature over the raw body', async () => {
    const { receive, request, firings, outcomes } = setup({ hmacSecret: 'sixteen-chars-secret' });
    const rawBody = Buffer.from('{"a":1}');
    const header = signatureHeader(
      'sixteen-chars-secret',
      Math.floor(now.getTime() / 1000),
      rawBody,
    );
    await receive.execute(request({ rawBody, headers: { 'x-flowgenie-signature': header } }));
    expect(firings.emitted).toHaveLength(1);
    expect(outcomes).toEqual(['accepted']);
  });

  describe('replayed signed requests', () => {
    const secret = 'sixteen-chars-secret';
    const signedRequest = (
      setupResult: ReturnType<typeof setup>,
      over: Partial<WebhookRequest> = {},
    ) => {
      const rawBody = Buffer.from('{"a":1}');
      const header = signatureHeader(secret, Math.floor(now.getTime() / 1000), rawBody);
      return setupResult.request({
        rawBody,
        headers: { 'x-flowgenie-signature': header },
        ...over,
      });
    };

    it('refuses the same signed request a second time and records nothing for it', async () => {
      const s = setup({ hmacSecret: secret });
      await s.receive.execute(signedRequest(s));
      await expect(s.receive.execute(signedRequest(s))).rejects.toBeInstanceOf(
        ReplayedRequestError,
      );
      expect(s.firings.emitted).toHaveLength(1);
      expect(s.outcomes).toEqual(['accepted', 'replayed']);
      // Remembered until the signature expires anyway (5 minutes from its timestamp), a little more.
      expect([...s.replays.seen.values()][0].ttlSeconds).toBeGreaterThan(300);
    });

    it('refuses a replay that changes the Idempotency-Key (the header is not signed)', async () => {
      const s = setup({ hmacSecret: secret });
      await s.receive.execute(signedRequest(s, { idempotencyKey: 'k1' }));
      await expect(
        s.receive.execute(signedRequest(s, { idempotencyKey: 'k2' })),
      ).rejects.toBeInstanceOf(ReplayedRequestError);
      await expect(s.receive.execute(signedRequest(s))).rejects.toBeInstanceOf(
        ReplayedRequestError,
      );
      expect(s.firings.emitted).toHaveLength(1);
    });

    it('answers a retry with the same Idempotency-Key with the first execution', async () => {
      const s = setup({ hmacSecret: secret });
      const first = await s.receive.execute(signedRequest(s, { idempotencyKey: 'k1' }));
      const retry = await s.receive.execute(signedRequest(s, { idempotencyKey: 'k1' }));
      expect(retry).toEqual({ kind: 'duplicate', executionId: first.executionId });
      expect(s.firings.emitted).toHaveLength(1);
    });

    it('forgets the signature when the call recorded nothing, so the sender can retry', async () => {
      const s = setup({ hmacSecret: secret });
      const record = s.firings.record.bind(s.firings);
      s.firings.record = async () => {
        throw new Error('database unavailable');
      };
      await expect(s.receive.execute(signedRequest(s))).rejects.toThrow('database unavailable');
      s.firings.record = record;
      await expect(s.receive.execute(signedRequest(s))).resolves.toMatchObject({
        kind: 'accepted',
      });
    });

    it('lets a signed call through when the guard cannot be reached (fail open)', async () => {
      const s = setup({ hmacSecret: secret });
      s.replays.down = true;
      await expect(s.receive.execute(signedRequest(s))).resolves.toMatchObject({
        kind: 'accepted',
      });
    });
  });

  describe('rate limits', () => {
    it('refuses calls over the per-hook default with a retry time and records nothing for them', async () => {
      const s = setup({}, { perHook: 2, perIp: 100 });
      await s.receive.execute(s.request());
      await s.receive.execute(s.request({ clientIp: '198.51.100.1' }));
      const refused = s.receive.execute(s.request({ clientIp: '198.51.100.2' }));
      await expect(refused).rejects.toBeInstanceOf(HookRateLimitedError);
      await expect(refused).rejects.toMatchObject({
        retryAfterSeconds: 42,
        message: expect.stringContaining('at most 2 per minute'),
      });
      expect(s.firings.emitted).toHaveLength(2);
      expect(s.outcomes).toEqual(['accepted', 'accepted', 'rate_limited']);
    });

    it("uses the node's rateLimitPerMinute over the default", async () => {
      const s = setup({ rateLimitPerMinute: 1 }, { perHook: 100, perIp: 100 });
      await s.receive.execute(s.request());
      await expect(s.receive.execute(s.request())).rejects.toBeInstanceOf(HookRateLimitedError);
      expect(s.firings.emitted).toHaveLength(1);
    });

    it('limits one client IP', async () => {
      const s = setup({}, { perHook: 100, perIp: 1 });
      await s.receive.execute(s.request());
      await expect(s.receive.execute(s.request())).rejects.toMatchObject({
        message: expect.stringContaining('your address'),
      });
      await expect(
        s.receive.execute(s.request({ clientIp: '198.51.100.9' })),
      ).resolves.toMatchObject({ kind: 'accepted' });
    });

    it('lets calls through when the limiter cannot be reached (fail open)', async () => {
      const s = setup({}, { perHook: 1, perIp: 1 });
      s.rateLimiter.down = true;
      await s.receive.execute(s.request());
      await expect(s.receive.execute(s.request())).resolves.toMatchObject({ kind: 'accepted' });
    });
  });

  describe('large payloads (claim check)', () => {
    const big = { text: 'x'.repeat(500) };

    it('stores a large payload before recording the firing, which carries only its reference', async () => {
      const { receive, request, firings, claims } = setup({}, undefined, true);
      const outcome = await receive.execute(request({ body: big }));
      const key = `triggered/${outcome.executionId}`;
      expect(firings.log).toEqual([`store ${key}`, 'record']);
      expect(firings.emitted[0].payload).toBeUndefined();
      expect(firings.emitted[0].payloadRef).toEqual({ key, bytes: expect.any(Number) });
      expect(claims!.stored.get(key)).toMatchObject({ body: big });
      // A small graph still travels inline.
      expect(firings.emitted[0].graph?.nodes).toHaveLength(1);
    });

    it('records nothing and answers nothing when the payload could not be stored', async () => {
      const { receive, request, firings, claims } = setup({}, undefined, true);
      claims!.failWith = new Error('store unavailable');
      await expect(receive.execute(request({ body: big }))).rejects.toThrow('store unavailable');
      expect(firings.emitted).toEqual([]);
    });

    it('deletes the stored copy of a duplicate and of a firing the hook no longer accepts', async () => {
      const { receive, request, claims, triggers, trigger } = setup({}, undefined, true);
      await receive.execute(request({ body: big, idempotencyKey: 'same' }));
      await receive.execute(request({ body: big, idempotencyKey: 'same' }));
      expect(claims!.stored.size).toBe(1);
      // Deactivated between the first read and the firing's transaction.
      const findByHookId = triggers.findByHookId.bind(triggers);
      let reads = 0;
      triggers.findByHookId = async (id) => {
        reads += 1;
        return reads === 1 ? findByHookId(id) : { ...trigger, active: false };
      };
      await expect(receive.execute(request({ body: big }))).rejects.toBeInstanceOf(
        HookNotFoundError,
      );
      expect(claims!.stored.size).toBe(1);
    });
  });
});
