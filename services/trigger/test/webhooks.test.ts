import { sql } from 'kysely';
import { webhookResponseChannel, type WebhookResponseMessage } from '@flowgenie/contracts';
import { waitFor } from '@flowgenie/testing';
import { signatureHeader } from '../src/domain/webhook-signature';
import { graphWith, TriggerHarness, type ActivatedWorkflow, type TriggeredEvent } from './support';

const SECRET = 'a-webhook-secret-of-32-characters';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function sign(body: string, at = new Date(), secret = SECRET): string {
  return signatureHeader(secret, Math.floor(at.getTime() / 1000), Buffer.from(body));
}

// Real Postgres, Redis and HTTP: suite start-up and the schedule waits take seconds under a loaded CI.
jest.setTimeout(30_000);

describe('webhooks', () => {
  let h: TriggerHarness;
  let plain: ActivatedWorkflow;
  let signed: ActivatedWorkflow;
  let anyMethod: ActivatedWorkflow;
  let responding: ActivatedWorkflow;

  beforeAll(async () => {
    h = await TriggerHarness.start();
    plain = await h.activate({
      graph: graphWith({
        type: 'webhook',
        config: { method: 'POST', responseMode: 'immediately' },
      }),
    });
    signed = await h.activate({
      graph: graphWith({ type: 'webhook', config: { hmacSecret: SECRET } }),
    });
    anyMethod = await h.activate({
      graph: graphWith({ type: 'webhook', config: { method: 'ANY' } }),
    });
    responding = await h.activate({
      graph: graphWith({ type: 'webhook', config: { responseMode: 'respond_node' } }),
    });
  });
  afterAll(() => h.close());

  it('answers 202 with the execution id and emits workflow.triggered with the request as payload', async () => {
    // Act
    const res = await fetch(`${plain.hookUrl}?source=crm&tag=a&tag=b`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer not-for-the-workflow',
        cookie: 'session=secret',
        'x-custom': 'kept',
      },
      body: JSON.stringify({ order: 42, items: ['x'] }),
    });

    // Assess
    expect(res.status).toBe(202);
    const answer = (await res.json()) as { executionId: string; statusUrl: string };
    expect(answer.executionId).toMatch(UUID);
    expect(answer.statusUrl).toBe(`/api/executions/${answer.executionId}`);
    expect(res.headers.get('location')).toBe(
      `https://localhost:8443/api/executions/${answer.executionId}`,
    );

    const event = await h.waitForTriggered((e) => e.data.executionId === answer.executionId);
    expect(event.data).toMatchObject({
      workflowId: plain.workflowId,
      ownerId: plain.ownerId,
      version: plain.version,
      mode: 'webhook',
      triggerNodeId: 'start',
      payload: {
        method: 'POST',
        body: { order: 42, items: ['x'] },
        query: { source: 'crm', tag: ['a', 'b'] },
      },
    });
    expect(event.data.graph?.nodes.map((n) => n.id)).toEqual(['start', 'shape']);
    const headers = (event.data.payload as { headers: Record<string, string> }).headers;
    expect(headers['x-custom']).toBe('kept');
    expect(headers['content-type']).toBe('application/json');
    expect(headers).not.toHaveProperty('authorization');
    expect(headers).not.toHaveProperty('cookie');
    expect(await h.outboxOf(plain.workflowId)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: event.id, type: 'workflow.triggered' }),
      ]),
    );
  });

  it('hands a non-JSON body to the workflow as text', async () => {
    const res = await fetch(plain.hookUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello=world&x=1',
    });
    expect(res.status).toBe(202);
    const { executionId } = (await res.json()) as { executionId: string };
    const event = await h.waitForTriggered((e) => e.data.executionId === executionId);
    expect(event.data.payload).toMatchObject({ body: 'hello=world&x=1', method: 'POST' });
  });

  it('takes GET with the query as payload when the node accepts any method', async () => {
    const res = await fetch(`${anyMethod.hookUrl}?email=a%40b.c`);
    expect(res.status).toBe(202);
    const { executionId } = (await res.json()) as { executionId: string };
    const event = await h.waitForTriggered((e) => e.data.executionId === executionId);
    expect(event.data.payload).toMatchObject({
      method: 'GET',
      query: { email: 'a@b.c' },
      body: null,
    });
  });

  it('refuses a method the webhook node does not accept with 405 and writes nothing', async () => {
    const before = (await h.firingsOf(plain.workflowId)).length;
    const res = await fetch(`${plain.hookUrl}?x=1`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect((await res.json()) as unknown).toMatchObject({ error: { code: 'method_not_allowed' } });
    expect(await h.firingsOf(plain.workflowId)).toHaveLength(before);
  });

  it('answers 404 for an unknown hook', async () => {
    const res = await fetch(`${h.url}/hooks/0123456789abcdef0123456789abcdef`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(404);
    expect((await res.json()) as unknown).toMatchObject({ error: { code: 'not_found' } });
  });

  describe('HMAC signatures', () => {
    it('accepts a body signed with the secret', async () => {
      const body = JSON.stringify({ paid: true });
      const res = await fetch(signed.hookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-flowgenie-signature': sign(body) },
        body,
      });
      expect(res.status).toBe(202);
      const { executionId } = (await res.json()) as { executionId: string };
      const event = await h.waitForTriggered((e) => e.data.executionId === executionId);
      const payload = event.data.payload as { body: unknown; headers: Record<string, string> };
      expect(payload.body).toEqual({ paid: true });
      expect(payload.headers).not.toHaveProperty('x-flowgenie-signature');
    });

    it('checks the exact raw bytes, not a re-serialisation of the JSON', async () => {
      const body = '{ "paid":true,\n  "amount": 10.50 }';
      const res = await fetch(signed.hookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-flowgenie-signature': sign(body) },
        body,
      });
      expect(res.status).toBe(202);
    });

    it.each([
      [
        'a wrong signature',
        (body: string) => sign(body, new Date(), 'another-secret-of-enough-length'),
      ],
      ['a signature of another body', () => sign('{"paid":false}')],
      [
        'a timestamp older than 5 minutes',
        (body: string) => sign(body, new Date(Date.now() - 6 * 60_000)),
      ],
      ['a malformed header', () => 'sha256=deadbeef'],
      ['no signature header', () => undefined],
    ])('answers 401 to %s and records no firing', async (_case, header) => {
      const before = (await h.firingsOf(signed.workflowId)).length;
      const body = JSON.stringify({ paid: true });
      const sig = header(body);
      const res = await fetch(signed.hookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(sig ? { 'x-flowgenie-signature': sig } : {}),
        },
        body,
      });
      expect(res.status).toBe(401);
      expect((await res.json()) as unknown).toMatchObject({ error: { code: 'invalid_signature' } });
      expect(await h.firingsOf(signed.workflowId)).toHaveLength(before);
    });
  });

  describe('replayed signed requests', () => {
    const send = (body: string, signature: string, idempotencyKey?: string) =>
      fetch(signed.hookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-flowgenie-signature': signature,
          ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
        },
        body,
      });

    it('answers 409 replayed to a captured signed request sent again, and runs it once', async () => {
      const body = JSON.stringify({ invoice: 'replay-1' });
      const signature = sign(body);
      expect((await send(body, signature)).status).toBe(202);
      const before = (await h.firingsOf(signed.workflowId)).length;

      const replay = await send(body, signature);
      // The Idempotency-Key is not signed: changing it does not make a replay new.
      const disguised = await send(body, signature, 'fresh-key');

      expect(replay.status).toBe(409);
      expect((await replay.json()) as unknown).toMatchObject({
        error: { code: 'replayed', message: expect.stringContaining('already received') },
      });
      expect(disguised.status).toBe(409);
      expect(await h.firingsOf(signed.workflowId)).toHaveLength(before);
    });

    it('answers a retry of a signed request with the same Idempotency-Key with the first execution', async () => {
      const body = JSON.stringify({ invoice: 'retry-1' });
      const signature = sign(body);
      const first = await send(body, signature, 'invoice-retry-1');
      const retry = await send(body, signature, 'invoice-retry-1');
      expect([first.status, retry.status]).toEqual([202, 202]);
      const a = (await first.json()) as { executionId: string };
      const b = (await retry.json()) as { executionId: string };
      expect(b.executionId).toBe(a.executionId);
      const firings = await h.firingsOf(signed.workflowId);
      expect(firings.filter((f) => f.idempotency_key.endsWith(':invoice-retry-1'))).toHaveLength(1);
    });
  });

  it('returns the first execution for a repeated Idempotency-Key and emits one event', async () => {
    const send = () =>
      fetch(plain.hookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'order-777' },
        body: JSON.stringify({ order: 777 }),
      });
    const first = await send();
    const second = await send();
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    const a = (await first.json()) as { executionId: string };
    const b = (await second.json()) as { executionId: string };
    expect(b.executionId).toBe(a.executionId);

    await h.waitForTriggered((e) => e.data.executionId === a.executionId);
    const outbox = await h.outboxOf(plain.workflowId);
    expect(outbox.filter((r) => JSON.stringify(r.envelope).includes('order-777'))).toHaveLength(1);
    const firings = await h.firingsOf(plain.workflowId);
    expect(firings.filter((f) => f.idempotency_key.endsWith(':order-777'))).toEqual([
      expect.objectContaining({ execution_id: a.executionId }),
    ]);
  });

  /** A 202 from the plain hook for a call with this Idempotency-Key; its execution id. */
  const sendWithKey = async (key: string) => {
    const res = await fetch(plain.hookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ key }),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { executionId: string }).executionId;
  };

  it('forgets an Idempotency-Key after FIRING_KEYS_RETENTION_DAYS (30): a repeat then starts a new execution', async () => {
    // Prepare: a key used 31 days ago, and one used now
    const old = await sendWithKey('order-888');
    const recent = await sendWithKey('order-889');
    await sql`update trigger.firings set created_at = now() - interval '31 days'
      where idempotency_key like '%:order-888'`.execute(h.service.db);

    // Act
    const pruned = await h.service.firingRetention.prune();

    // Assess: only the old key is gone; it fires anew, the recent one still answers its execution
    expect(pruned).toEqual({ firings: 1 });
    expect(await sendWithKey('order-888')).not.toBe(old);
    expect(await sendWithKey('order-889')).toBe(recent);
  });

  it('deletes its published outbox rows after OUTBOX_RETENTION_HOURS (24), not before', async () => {
    // Prepare: two fired webhooks whose events are published; one published 25 hours ago
    const old = await sendWithKey('outbox-old');
    const recent = await sendWithKey('outbox-recent');
    const rowOf = async (executionId: string) =>
      (await h.outboxOf(plain.workflowId)).find(
        (r) => (r.envelope as TriggeredEvent).data.executionId === executionId,
      );
    await waitFor(
      async () => (await rowOf(old))?.published_at && (await rowOf(recent))?.published_at,
      {
        message: 'both events published and marked',
      },
    );
    await sql`update trigger.outbox set published_at = now() - interval '25 hours'
      where envelope #>> '{data,executionId}' = ${old}`.execute(h.service.db);

    // Act: the host's own retention of its messaging tables
    const pruned = await h.service.messagingRetention!.prune();

    // Assess
    expect(pruned).toEqual({ outbox: 1, inbox: 0 });
    expect(await rowOf(old)).toBeUndefined();
    expect(await rowOf(recent)).toBeDefined();
  });

  it('rejects an unusable Idempotency-Key with 400', async () => {
    const res = await fetch(plain.hookUrl, {
      method: 'POST',
      headers: { 'idempotency-key': 'x'.repeat(500) },
      body: 'x',
    });
    expect(res.status).toBe(400);
  });

  it('answers 404 once the workflow is deactivated, and again after deletion', async () => {
    const wf = await h.activate({ graph: graphWith({ type: 'webhook' }) });
    expect((await fetch(wf.hookUrl, { method: 'POST', body: 'one' })).status).toBe(202);

    await h.deactivate(wf);
    const res = await fetch(wf.hookUrl, { method: 'POST', body: 'two' });
    expect(res.status).toBe(404);
    expect(await h.firingsOf(wf.workflowId)).toHaveLength(1);

    await h.activate({ ...wf, graph: graphWith({ type: 'webhook' }), version: 2 });
    expect((await fetch(wf.hookUrl, { method: 'POST', body: 'three' })).status).toBe(202);
    await h.deactivate(wf, 'workflow.deleted');
    expect((await fetch(wf.hookUrl, { method: 'POST', body: 'four' })).status).toBe(404);
  });

  it('decides each call on the trigger as stored now, even right after a call to the version before', async () => {
    const wf = await h.activate({
      graph: graphWith({ type: 'webhook', config: { method: 'POST' } }),
    });
    expect((await fetch(wf.hookUrl, { method: 'POST', body: 'one' })).status).toBe(202);

    // A new version takes GET only: a POST is refused at once, a GET fires.
    await h.activate({
      ...wf,
      graph: graphWith({ type: 'webhook', config: { method: 'GET' } }),
      version: 2,
    });
    expect((await fetch(wf.hookUrl, { method: 'POST', body: 'two' })).status).toBe(405);
    expect((await fetch(wf.hookUrl, { method: 'GET' })).status).toBe(202);

    // The next requires a signature: an unsigned call is refused, one signed with the new secret fires.
    await h.activate({
      ...wf,
      graph: graphWith({ type: 'webhook', config: { hmacSecret: SECRET } }),
      version: 3,
    });
    expect((await fetch(wf.hookUrl, { method: 'POST', body: 'three' })).status).toBe(401);
    const signedCall = await fetch(wf.hookUrl, {
      method: 'POST',
      headers: { 'x-flowgenie-signature': sign('four') },
      body: 'four',
    });
    expect(signedCall.status).toBe(202);
    expect(await h.firingsOf(wf.workflowId)).toHaveLength(3);
    expect(await h.outboxOf(wf.workflowId)).toHaveLength(3);
  });

  it('ignores an older activation delivered after a newer deactivation', async () => {
    const wf = await h.activate({ graph: graphWith({ type: 'webhook' }) });
    await h.deactivate(wf);
    // A redelivered copy of an earlier activation (older event time) must not revive the hook.
    await h.activate({
      ...wf,
      graph: graphWith({ type: 'webhook' }),
      time: new Date(Date.now() - 60_000),
    });
    expect((await fetch(wf.hookUrl, { method: 'POST', body: 'x' })).status).toBe(404);
  });

  it('answers 404 for a workflow whose trigger is not a webhook', async () => {
    const wf = await h.activate({ graph: graphWith({ type: 'manual' }) });
    expect((await fetch(wf.hookUrl, { method: 'POST', body: 'x' })).status).toBe(404);
  });

  describe('respond_node mode', () => {
    async function callAndAnswer(message: (executionId: string) => WebhookResponseMessage) {
      const pending = fetch(`${responding.hookUrl}?q=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ask: 'price' }),
      });
      // The executor answers once it has the event, as it would after running the respond step.
      const event = await h.waitForTriggered(
        (e) => e.data.workflowId === responding.workflowId && !answered.has(e.data.executionId),
      );
      answered.add(event.data.executionId);
      await h.redis.publish(
        webhookResponseChannel(h.config.REDIS_PREFIX, event.data.executionId),
        JSON.stringify(message(event.data.executionId)),
      );
      return { res: await pending, executionId: event.data.executionId };
    }
    const answered = new Set<string>();

    it('answers with the status, headers and body of the respond step', async () => {
      const { res, executionId } = await callAndAnswer((id) => ({
        kind: 'respond',
        executionId: id,
        status: 201,
        headers: { 'x-price': '12', 'content-type': 'application/json' },
        body: { price: 12 },
      }));
      expect(res.status).toBe(201);
      expect(res.headers.get('x-price')).toBe('12');
      expect(res.headers.get('x-flowgenie-execution-id')).toBe(executionId);
      expect(await res.json()).toEqual({ price: 12 });
    });

    it('answers a text body as text', async () => {
      const { res } = await callAndAnswer((id) => ({
        kind: 'respond',
        executionId: id,
        status: 200,
        headers: {},
        body: 'thanks',
      }));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toBe('thanks');
    });

    it('answers 200 with the output when the execution ends without a respond step', async () => {
      const { res, executionId } = await callAndAnswer((id) => ({
        kind: 'final',
        executionId: id,
        status: 'succeeded',
        output: { total: 3 },
      }));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ executionId, status: 'succeeded', output: { total: 3 } });
    });

    it('answers 500 execution_failed when the execution failed', async () => {
      const { res } = await callAndAnswer((id) => ({
        kind: 'final',
        executionId: id,
        status: 'failed',
        error: 'step shape failed: boom',
      }));
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({
        error: { code: 'execution_failed', message: 'step shape failed: boom' },
      });
    });

    it('leaves no waiter behind', async () => {
      await waitFor(() => h.service.waiter.waiting === 0, {
        message: 'no webhook callers waiting',
      });
    });
  });
});

describe('webhooks with small limits', () => {
  let h: TriggerHarness;
  let responding: ActivatedWorkflow;
  let plain: ActivatedWorkflow;

  beforeAll(async () => {
    h = await TriggerHarness.start({
      WEBHOOK_WAIT_TIMEOUT_MS: '300',
      HOOK_BODY_LIMIT_BYTES: '1024',
    });
    responding = await h.activate({
      graph: graphWith({ type: 'webhook', config: { responseMode: 'respond_node' } }),
    });
    plain = await h.activate({ graph: graphWith({ type: 'webhook' }) });
  });
  afterAll(() => h.close());

  it('answers 202 with the status URL when no answer comes in time', async () => {
    const started = Date.now();
    const res = await fetch(responding.hookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"slow":true}',
    });
    expect(res.status).toBe(202);
    const { executionId, statusUrl } = (await res.json()) as {
      executionId: string;
      statusUrl: string;
    };
    expect(statusUrl).toBe(`/api/executions/${executionId}`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await h.waitForTriggered((e) => e.data.executionId === executionId);
    expect(h.service.waiter.waiting).toBe(0);
  });

  it.each([
    ['a JSON body', 'application/json', JSON.stringify({ blob: 'x'.repeat(2000) })],
    ['a text body', 'text/plain', 'y'.repeat(2000)],
  ])(
    'answers 413 to %s over HOOK_BODY_LIMIT_BYTES and records nothing',
    async (_case, type, body) => {
      const res = await fetch(plain.hookUrl, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
      expect(res.status).toBe(413);
      expect((await res.json()) as unknown).toMatchObject({ error: { code: 'payload_too_large' } });
      expect(await h.firingsOf(plain.workflowId)).toHaveLength(0);
    },
  );

  it('counts hooks by outcome and firings on /metrics', async () => {
    const text = await (await fetch(`${h.url}/metrics`)).text();
    expect(text).toMatch(/trigger_hooks_received_total\{outcome="too_large",service="trigger"\} 2/);
    expect(text).toMatch(/trigger_hooks_received_total\{outcome="timed_out",service="trigger"\} 1/);
    expect(text).toMatch(/trigger_firings_emitted_total\{mode="webhook",service="trigger"\} 1/);
  });
});

describe('webhook rate limits', () => {
  let h: TriggerHarness;
  const PER_HOOK = 3;
  const PER_IP = 4;

  beforeAll(async () => {
    h = await TriggerHarness.start({
      WEBHOOK_RATE_LIMIT_PER_HOOK: String(PER_HOOK),
      WEBHOOK_RATE_LIMIT_PER_IP: String(PER_IP),
    });
  });
  afterAll(() => h.close());

  // The service trusts X-Forwarded-For from loopback (the gateway), so a test can be many clients.
  const call = (hookUrl: string, clientIp: string) =>
    fetch(hookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': clientIp },
      body: '{"n":1}',
    });

  it('accepts the per-hook budget of a burst, answers the rest 429 with Retry-After, and records only what it accepted', async () => {
    const hook = await h.activate({ graph: graphWith({ type: 'webhook' }) });
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => call(hook.hookUrl, `198.51.100.${i + 1}`)),
    );

    const refused = answers.filter((r) => r.status === 429);
    expect(answers.filter((r) => r.status === 202)).toHaveLength(PER_HOOK);
    expect(refused).toHaveLength(12 - PER_HOOK);
    const retryAfter = Number(refused[0].headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await refused[0].json()) as unknown).toMatchObject({
      error: {
        code: 'rate_limited',
        message: expect.stringContaining(`at most ${PER_HOOK} per minute`),
      },
    });
    expect(await h.firingsOf(hook.workflowId)).toHaveLength(PER_HOOK);
  });

  it("takes the workflow's own rateLimitPerMinute over the default", async () => {
    const strict = await h.activate({
      graph: graphWith({ type: 'webhook', config: { rateLimitPerMinute: 1 } }),
    });
    const generous = await h.activate({
      graph: graphWith({ type: 'webhook', config: { rateLimitPerMinute: 50 } }),
    });
    expect((await call(strict.hookUrl, '192.0.2.1')).status).toBe(202);
    expect((await call(strict.hookUrl, '192.0.2.2')).status).toBe(429);
    const generousAnswers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => call(generous.hookUrl, `192.0.2.${10 + i}`)),
    );
    expect(generousAnswers.map((r) => r.status)).toEqual(Array(6).fill(202));
  });

  it('limits one client address across hooks', async () => {
    const a = await h.activate({
      graph: graphWith({ type: 'webhook', config: { rateLimitPerMinute: 50 } }),
    });
    const b = await h.activate({
      graph: graphWith({ type: 'webhook', config: { rateLimitPerMinute: 50 } }),
    });
    const statuses = [];
    for (const hook of [a, b, a, b, a])
      statuses.push((await call(hook.hookUrl, '203.0.113.50')).status);
    expect(statuses).toEqual([202, 202, 202, 202, 429]);
    expect((await call(a.hookUrl, '203.0.113.51')).status).toBe(202);
  });

  it('counts refused calls on /metrics', async () => {
    const text = await (await fetch(`${h.url}/metrics`)).text();
    expect(text).toMatch(
      /trigger_hooks_received_total\{outcome="rate_limited",service="trigger"\} 11/,
    );
  });
});
