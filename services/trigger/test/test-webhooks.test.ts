import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import type { WorkflowGraph } from '@flowgenie/contracts';
import { ALL_TEST_SCOPES, waitFor } from '@flowgenie/testing';
import type { RunSpec, WorkflowSpecSource } from '../src/ports/workflow-spec-source';
import { graphWith, TriggerHarness } from './support';

/** The catalog as the trigger sees it: drafts by (owner, id). Nothing is published. */
class DraftSpecs implements WorkflowSpecSource {
  private readonly drafts = new Map<string, { ownerId: string; graph: WorkflowGraph }>();
  add(ownerId: string, graph: WorkflowGraph): string {
    const id = randomUUID();
    this.drafts.set(id, { ownerId, graph });
    return id;
  }
  async getRunSpec(query: { workflowId: string; ownerId: string; draft: boolean }) {
    const wf = this.drafts.get(query.workflowId);
    if (!wf || wf.ownerId !== query.ownerId || !query.draft) return undefined;
    return { graph: wf.graph, version: null, name: 'draft' } satisfies RunSpec;
  }
}

// Real Postgres, Redis and HTTP; listeners wait 3 s here so expiry is observable.
jest.setTimeout(30_000);

describe('listening for a test webhook call', () => {
  let h: TriggerHarness;
  let signingKey: CryptoKey;
  const specs = new DraftSpecs();
  const alice = { id: randomUUID(), email: 'alice@example.com' };
  const bob = { id: randomUUID(), email: 'bob@example.com' };
  let tokens: Record<'alice' | 'bob', string>;

  const tokenFor = (user: { id: string; email: string }) =>
    new SignJWT({ email: user.email, scope: ALL_TEST_SCOPES })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'test' })
      .setSubject(user.id)
      .setIssuer(h.config.AUTH_ISSUER)
      .setAudience(h.config.AUTH_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(signingKey);

  async function api(method: string, path: string, body?: unknown, who: 'alice' | 'bob' = 'alice') {
    const res = await fetch(`${h.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[who]}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  const listen = (workflowId: string, body: unknown = {}, who: 'alice' | 'bob' = 'alice') =>
    api('POST', `/workflows/${workflowId}/test-webhook`, body, who);
  const callTestUrl = (listenerId: string, init: RequestInit = {}, query = '') =>
    fetch(`${h.url}/hooks/test/${listenerId}${query}`, { method: 'POST', ...init });

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    signingKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'test', alg: 'ES256' };
    h = await TriggerHarness.start(
      { TEST_WEBHOOK_LISTEN_SECONDS: '3', PUBLIC_BASE_URL: 'https://flow.example' },
      { keySet: createLocalJWKSet({ keys: [jwk] }), specSource: specs },
    );
    tokens = { alice: await tokenFor(alice), bob: await tokenFor(bob) };
  });
  afterAll(() => h.close());

  it('captures one real call of an unpublished draft as the trigger sample, without credentials', async () => {
    const workflowId = specs.add(alice.id, graphWith({ type: 'webhook', id: 'hook' }));

    const started = await listen(workflowId);
    expect(started.status).toBe(201);
    const { listenerId } = started.body;
    expect(started.body).toMatchObject({
      status: 'waiting',
      testUrl: `https://flow.example/hooks/test/${listenerId}`,
    });

    const call = await callTestUrl(
      listenerId,
      {
        method: 'PUT',
        headers: {
          'content-type': 'application/json',
          authorization: 'Bearer caller-secret',
          cookie: 'session=caller-cookie',
          'x-order-source': 'shop',
        },
        body: JSON.stringify({ order: 42 }),
      },
      '?ref=mail',
    );
    expect(call.status).toBe(200);
    expect(await call.json()).toMatchObject({ captured: true });

    const seen = await api('GET', `/workflows/${workflowId}/test-webhook/${listenerId}`);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({
      status: 'captured',
      sample: {
        method: 'PUT',
        body: { order: 42 },
        query: { ref: 'mail' },
        headers: { 'x-order-source': 'shop' },
      },
    });
    expect(JSON.stringify(seen.body)).not.toMatch(/caller-secret|caller-cookie/);
    expect(seen.body.executionId).toBeUndefined();
    // One call only, and capturing alone runs nothing.
    expect((await callTestUrl(listenerId)).status).toBe(404);
    expect(h.triggered.filter((e) => e.data.workflowId === workflowId)).toEqual([]);
  });

  it('runs the draft with the captured call when asked', async () => {
    const workflowId = specs.add(alice.id, graphWith({ type: 'webhook', id: 'hook' }));
    const { listenerId } = (await listen(workflowId, { run: true })).body;

    const call = await callTestUrl(listenerId, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ n: 1 }),
    });
    const { executionId } = (await call.json()) as { executionId: string };

    const event = await waitFor(() => h.triggered.find((e) => e.data.executionId === executionId));
    expect(event.data).toMatchObject({
      workflowId,
      version: null,
      mode: 'manual',
      payload: { method: 'POST', body: { n: 1 } },
    });
    const seen = await api('GET', `/workflows/${workflowId}/test-webhook/${listenerId}`);
    expect(seen.body.executionId).toBe(executionId);
  });

  it('expires after its wait: the status says so and the URL answers 404', async () => {
    const workflowId = specs.add(alice.id, graphWith({ type: 'webhook', id: 'hook' }));
    const { listenerId } = (await listen(workflowId)).body;

    const expired = await waitFor(
      async () => {
        const seen = await api('GET', `/workflows/${workflowId}/test-webhook/${listenerId}`);
        return seen.body.status === 'expired' ? seen.body : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 200 },
    );
    expect(expired.sample).toBeUndefined();
    const late = await callTestUrl(listenerId);
    expect(late.status).toBe(404);
    expect(((await late.json()) as { error: { message: string } }).error.message).toMatch(
      /expired, was stopped, or already received/,
    );
  });

  it('stops listening on cancel', async () => {
    const workflowId = specs.add(alice.id, graphWith({ type: 'webhook', id: 'hook' }));
    const { listenerId } = (await listen(workflowId)).body;

    expect(
      (await api('DELETE', `/workflows/${workflowId}/test-webhook/${listenerId}`)).status,
    ).toBe(204);
    expect((await callTestUrl(listenerId)).status).toBe(404);
    expect((await api('GET', `/workflows/${workflowId}/test-webhook/${listenerId}`)).status).toBe(
      404,
    );
  });

  it('answers 404 to another user for the workflow and the listener', async () => {
    const workflowId = specs.add(alice.id, graphWith({ type: 'webhook', id: 'hook' }));
    const { listenerId } = (await listen(workflowId)).body;

    expect((await listen(workflowId, {}, 'bob')).status).toBe(404);
    const path = `/workflows/${workflowId}/test-webhook/${listenerId}`;
    expect((await api('GET', path, undefined, 'bob')).status).toBe(404);
    expect((await api('DELETE', path, undefined, 'bob')).status).toBe(404);
    // Bob's attempts left the listener waiting for Alice's call.
    expect((await api('GET', path)).body.status).toBe('waiting');
  });

  it('refuses bad input with a 4xx naming the problem, opening nothing', async () => {
    const webhook = specs.add(alice.id, graphWith({ type: 'webhook', id: 'hook' }));
    const manual = specs.add(alice.id, graphWith({ type: 'manual' }));

    const badBody = await listen(webhook, { run: 'yes' });
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.details[0].path).toBe('run');
    const notWebhook = await listen(manual);
    expect(notWebhook.status).toBe(409);
    expect(notWebhook.body.error.message).toMatch(/only a webhook trigger/);
    expect((await api('GET', `/workflows/${webhook}/test-webhook/not-an-id`)).status).toBe(404);
    expect((await callTestUrl('not-an-id')).status).toBe(404);
  });
});
