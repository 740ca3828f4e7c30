import { randomUUID } from 'node:crypto';
import {
  ExecutionListResponseSchema,
  ExecutionResponseSchema,
  SessionResponseSchema,
  WorkflowListResponseSchema,
  WorkflowResponseSchema,
  httpRoutes,
} from '@flowgenie/contracts';
import { waitFor } from '@flowgenie/testing';
import type { z } from 'zod';
import { Session, type AnyJson, type GatewayClient } from './support/client';
import { startTestServer, type TestServer } from './support/servers';
import { startE2eStack, type E2eStack } from './support/stack';
import { chain, graph, signature } from './support/workflows';

// Starting six processes takes up to a minute on a busy machine; each scenario waits on real work.
jest.setTimeout(120_000);

const ACCESS_TOKEN_TTL_SECONDS = 30;

describe('FlowGenie end to end (through the gateway)', () => {
  let e2e: E2eStack;
  let client: GatewayClient;
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  let aliceFirstToken: string;

  beforeAll(async () => {
    server = await startTestServer();
    // Short-lived access tokens so the expiry of a real token is observable within the run.
    e2e = await startE2eStack('e2e', {
      ACCESS_TOKEN_TTL_SECONDS: String(ACCESS_TOKEN_TTL_SECONDS),
    });
    client = e2e.client;
    alice = await Session.signUp(client, `alice-${Date.now()}@example.com`);
    bob = await Session.signUp(client, `bob-${Date.now()}@example.com`);
    aliceFirstToken = alice.rawAccessToken;
  }, 400_000);

  it('signs users up with the documented answer', async () => {
    const res = await client.post('/api/auth/signup', {
      body: { email: `carol-${Date.now()}@example.com`, password: 'another long password' },
    });
    expect(res.status).toBe(201);
    expectShape(SessionResponseSchema, res.body);
    expect(res.headers.get('set-cookie')).toMatch(/^__Host-fg_refresh=.*; Path=\/;.*HttpOnly.*/i);
  });

  afterAll(async () => {
    await e2e?.close();
    await server?.close();
  });

  it('serves every route of the route catalog through the gateway (none missing in the gateway or its service)', async () => {
    // A user of its own: the sweep calls logout and key routes with made-up ids.
    const sweeper = await Session.signUp(client, `routes-${Date.now()}@example.com`);
    const missing: string[] = [];
    for (const route of httpRoutes) {
      const path = route.path.replace(/\{\w+\}/g, randomUUID());
      const res = await client.request(route.method.toUpperCase(), path, {
        token: sweeper.rawAccessToken,
        ...(route.method === 'get' ? {} : { body: {} }),
      });
      const message = String((res.body as AnyJson)?.error?.message ?? '');
      if (res.status === 405 || (res.status === 404 && /^no route/.test(message))) {
        missing.push(`${route.method.toUpperCase()} ${route.path} -> ${res.status} ${message}`);
      }
    }
    expect(missing).toEqual([]);
  });

  /** The answer has the shape the OpenAPI document (generated from these schemas) promises. */
  const expectShape = (schema: z.ZodType, body: unknown) => {
    expect(schema.safeParse(body).error?.issues).toBeUndefined();
  };

  async function createWorkflow(owner: Session, name: string, g: unknown) {
    const res = await owner.post('/api/workflows', { body: { name, graph: g } });
    expect(res.status).toBe(201);
    expect(res.body.validation).toEqual({ ok: true, errors: [] });
    expectShape(WorkflowResponseSchema, res.body);
    return res.body as { id: string; hookPath: string };
  }

  /** Creates, publishes and activates; for webhooks, waits until the trigger service knows the hook. */
  async function activeWorkflow(
    owner: Session,
    name: string,
    g: unknown,
    opts: { webhook?: boolean } = { webhook: true },
  ) {
    const wf = await createWorkflow(owner, name, g);
    const published = await owner.post(`/api/workflows/${wf.id}/publish`);
    expect(published.status).toBe(201);
    expect(published.body.version).toBe(1);
    const activated = await owner.post(`/api/workflows/${wf.id}/activate`, { body: {} });
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({ active: true, activeVersion: 1 });
    if (opts.webhook) {
      // The activation reaches the trigger service as an event. A GET on a POST hook answers 405
      // once it is registered (404 before), and starts nothing.
      await waitFor(async () => (await client.get(wf.hookPath)).status !== 404, {
        timeoutMs: 15_000,
        message: 'hook registered',
      });
    }
    return wf;
  }

  const executionsOf = async (owner: Session, workflowId: string) => {
    const res = await owner.get(`/api/executions?workflowId=${workflowId}&limit=100`);
    expect(res.status).toBe(200);
    return res.body.items as { id: string; status: string; createdAt: string }[];
  };

  const finishedExecution = (owner: Session, executionId: string, timeoutMs = 30_000) =>
    waitFor(
      async () => {
        const res = await owner.get(`/api/executions/${executionId}`);
        return res.status === 200 && ['succeeded', 'failed', 'canceled'].includes(res.body.status)
          ? res.body
          : undefined;
      },
      { timeoutMs, intervalMs: 100, message: `execution ${executionId} finished` },
    );

  describe('a webhook workflow calling an HTTP API', () => {
    let workflowId: string;

    it('answers the webhook caller with the transformed JSON', async () => {
      const wf = await activeWorkflow(
        alice,
        'Greet a user',
        graph(
          [
            { id: 'hook', type: 'webhook', config: { responseMode: 'respond_node' } },
            {
              id: 'fetch_user',
              type: 'http_request',
              config: { method: 'GET', url: `${server.url}/users/{{ trigger.body.userId }}` },
            },
            {
              id: 'shape',
              type: 'transform',
              config: {
                expression:
                  '{{ { "greeting": "Hello " & steps.fetch_user.body.name, "score": steps.fetch_user.body.score * 2 } }}',
              },
            },
            { id: 'high', type: 'if', config: { condition: '{{ steps.shape.score > 10 }}' } },
            {
              id: 'reply',
              type: 'respond_to_webhook',
              config: { status: 200, body: '{{ steps.shape }}' },
            },
          ],
          [
            ...chain('hook', 'fetch_user', 'shape', 'high'),
            { source: 'high', sourceHandle: 'true', target: 'reply' },
          ],
        ),
      );
      workflowId = wf.id;

      const res = await client.post(wf.hookPath, { body: { userId: 'ada' } });

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ greeting: 'Hello User ada', score: 24 });
      expect(server.hits.get('/users/ada')).toBe(1);
    });

    it('records each step’s input and output in the execution detail', async () => {
      const [summary] = await waitFor(async () => {
        const items = await executionsOf(alice, workflowId);
        return items.length === 1 && items[0].status === 'succeeded' ? items : undefined;
      });
      const res = await alice.get(`/api/executions/${summary.id}`);

      expect(res.status).toBe(200);
      expectShape(ExecutionResponseSchema, res.body);
      expectShape(
        ExecutionListResponseSchema,
        (await alice.get(`/api/executions?workflowId=${workflowId}`)).body,
      );
      const list = (await alice.get('/api/workflows')).body;
      expectShape(WorkflowListResponseSchema, list);
      // The list reads the last run from the execution service (its internal address is wired).
      expect(list.items.find((w: { id: string }) => w.id === workflowId)).toMatchObject({
        lastExecution: { id: summary.id, status: 'succeeded' },
        lastExecutionKnown: true,
      });
      const steps = Object.fromEntries(
        (res.body.steps as { nodeId: string }[]).map((s) => [s.nodeId, s]),
      ) as Record<string, AnyJson>;
      expect(res.body).toMatchObject({ status: 'succeeded', mode: 'webhook', version: 1 });
      expect(steps.hook).toMatchObject({
        status: 'succeeded',
        output: { body: { userId: 'ada' }, method: 'POST' },
      });
      expect(steps.fetch_user).toMatchObject({
        status: 'succeeded',
        input: { url: `${server.url}/users/ada` },
        output: { status: 200, body: { id: 'ada', name: 'User ada', score: 12 } },
      });
      expect(steps.shape).toMatchObject({
        status: 'succeeded',
        output: { greeting: 'Hello User ada', score: 24 },
      });
      expect(steps.shape.input).toBeDefined();
      expect(steps.high).toMatchObject({ status: 'succeeded', output: { result: true } });
      expect(steps.reply).toMatchObject({
        status: 'succeeded',
        output: { status: 200, body: { greeting: 'Hello User ada', score: 24 } },
      });
      for (const step of Object.values(steps)) {
        expect(typeof step.durationMs).toBe('number');
        expect(step.startedAt).toEqual(expect.any(String));
      }
    });
  });

  describe('webhook signatures', () => {
    const secret = 'a-very-long-shared-secret';

    it('refuses a bad signature with 401 and starts nothing; a good one runs', async () => {
      const wf = await activeWorkflow(
        alice,
        'Signed hook',
        graph(
          [
            {
              id: 'hook',
              type: 'webhook',
              config: { responseMode: 'immediately', hmacSecret: secret },
            },
            { id: 'echo', type: 'transform', config: { expression: '{{ trigger.body }}' } },
          ],
          chain('hook', 'echo'),
        ),
      );
      const body = JSON.stringify({ order: 42 });
      const headers = { 'content-type': 'application/json' };

      const unsigned = await client.post(wf.hookPath, { rawBody: body, headers });
      const forged = await client.post(wf.hookPath, {
        rawBody: body,
        headers: { ...headers, 'x-flowgenie-signature': signature('not-the-right-secret!', body) },
      });
      const tamperedBody = await client.post(wf.hookPath, {
        rawBody: JSON.stringify({ order: 43 }),
        headers: { ...headers, 'x-flowgenie-signature': signature(secret, body) },
      });
      const good = await client.post(wf.hookPath, {
        rawBody: body,
        headers: { ...headers, 'x-flowgenie-signature': signature(secret, body) },
      });

      expect([unsigned.status, forged.status, tamperedBody.status]).toEqual([401, 401, 401]);
      expect(good.status).toBe(202);
      const done = await finishedExecution(alice, good.body.executionId);
      expect(done.status).toBe('succeeded');
      // Only the good call made an execution.
      expect((await executionsOf(alice, wf.id)).map((e) => e.id)).toEqual([good.body.executionId]);
    });
  });

  describe('retries', () => {
    it('retries a failing HTTP step: fails twice, then succeeds on the third attempt', async () => {
      const wf = await activeWorkflow(
        alice,
        'Flaky API',
        graph(
          [
            { id: 'hook', type: 'webhook', config: { responseMode: 'immediately' } },
            {
              id: 'call',
              type: 'http_request',
              config: { url: `${server.url}/flaky/retry-e2e` },
              retry: { attempts: 3, backoff: { type: 'fixed', delayMs: 200 } },
            },
          ],
          chain('hook', 'call'),
        ),
      );

      const res = await client.post(wf.hookPath, { body: {} });
      expect(res.status).toBe(202);
      const done = await finishedExecution(alice, res.body.executionId);

      expect(done.status).toBe('succeeded');
      const call = done.steps.find((s: { nodeId: string }) => s.nodeId === 'call');
      expect(call).toMatchObject({
        status: 'succeeded',
        attempts: 3,
        output: { status: 200, body: { ok: true, attempt: 3 } },
      });
      expect(call.attemptLog).toHaveLength(3);
      expect(call.attemptLog[0].error).toContain('HTTP 500');
      expect(server.hits.get('/flaky/retry-e2e')).toBe(3);
    });

    it('ends failed, with the error visible, when the step keeps failing', async () => {
      const wf = await activeWorkflow(
        alice,
        'Broken API',
        graph(
          [
            { id: 'hook', type: 'webhook', config: { responseMode: 'immediately' } },
            {
              id: 'call',
              type: 'http_request',
              config: { url: `${server.url}/down` },
              retry: { attempts: 2, backoff: { type: 'fixed', delayMs: 100 } },
            },
            { id: 'after', type: 'transform', config: { expression: '{{ "never" }}' } },
          ],
          chain('hook', 'call', 'after'),
        ),
      );

      const res = await client.post(wf.hookPath, { body: {} });
      const done = await finishedExecution(alice, res.body.executionId);

      expect(done.status).toBe('failed');
      expect(done.error).toMatchObject({
        nodeId: 'call',
        message: expect.stringContaining('HTTP 500'),
      });
      const call = done.steps.find((s: { nodeId: string }) => s.nodeId === 'call');
      expect(call).toMatchObject({
        status: 'failed',
        attempts: 2,
        error: { message: expect.stringContaining('down for maintenance') },
      });
      const after = done.steps.find((s: { nodeId: string }) => s.nodeId === 'after');
      expect(after?.status ?? 'pending').not.toBe('succeeded');
    });
  });

  describe('schedules', () => {
    it('runs a per-second schedule at least twice within 5 s', async () => {
      const wf = await activeWorkflow(
        alice,
        'Every second',
        graph(
          [
            { id: 'tick', type: 'schedule', config: { cron: '* * * * * *', timezone: 'UTC' } },
            {
              id: 'note',
              type: 'transform',
              config: { expression: '{{ { "at": trigger.scheduledAt } }}' },
            },
          ],
          chain('tick', 'note'),
        ),
        { webhook: false },
      );
      const activatedAt = Date.now();

      const runs = await waitFor(
        async () => {
          const items = await executionsOf(alice, wf.id);
          return items.length >= 2 ? items : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 200, message: 'two scheduled executions' },
      );
      await alice.post(`/api/workflows/${wf.id}/deactivate`);

      const times = runs.map((r) => Date.parse(r.createdAt)).sort((a, b) => a - b);
      expect(times[1] - times[0]).toBeLessThanOrEqual(5_000);
      expect(runs.every((r) => r.status !== 'failed')).toBe(true);
      // Reported for the reader: how long after activation the first firings came.
      expect(times[1] - activatedAt).toBeLessThan(15_000);
    });
  });

  describe('idempotency', () => {
    it('runs a webhook call sent twice with the same Idempotency-Key once', async () => {
      const wf = await activeWorkflow(
        alice,
        'Idempotent hook',
        graph(
          [
            { id: 'hook', type: 'webhook', config: { responseMode: 'immediately' } },
            { id: 'echo', type: 'transform', config: { expression: '{{ trigger.body }}' } },
          ],
          chain('hook', 'echo'),
        ),
      );
      const headers = { 'idempotency-key': `order-${Date.now()}` };

      const first = await client.post(wf.hookPath, { body: { n: 1 }, headers });
      const second = await client.post(wf.hookPath, { body: { n: 1 }, headers });

      expect(first.status).toBe(202);
      expect(second.status).toBe(202);
      expect(second.body.executionId).toBe(first.body.executionId);
      await finishedExecution(alice, first.body.executionId);
      expect((await executionsOf(alice, wf.id)).map((e) => e.id)).toEqual([first.body.executionId]);
    });
  });

  describe('isolation between users', () => {
    it('answers 404 to another user for every one of the owner’s workflow and execution ids', async () => {
      const wf = await activeWorkflow(
        alice,
        'Private',
        graph(
          [
            { id: 'hook', type: 'webhook', config: { responseMode: 'immediately' } },
            {
              id: 'fail',
              type: 'http_request',
              config: { url: `${server.url}/down` },
              retry: { attempts: 1 },
            },
          ],
          chain('hook', 'fail'),
        ),
      );
      const run = await client.post(wf.hookPath, { body: {} });
      const execution = await finishedExecution(alice, run.body.executionId);
      expect(execution.status).toBe('failed');

      const attempts = [
        await bob.get(`/api/workflows/${wf.id}`),
        await bob.put(`/api/workflows/${wf.id}`, { body: { name: 'stolen' } }),
        await bob.post(`/api/workflows/${wf.id}/publish`),
        await bob.post(`/api/workflows/${wf.id}/activate`, { body: {} }),
        await bob.post(`/api/workflows/${wf.id}/runs`, { body: { payload: {} } }),
        await bob.get(`/api/executions/${execution.id}`),
        await bob.post(`/api/executions/${execution.id}/retry`),
        await bob.post(`/api/executions/${execution.id}/cancel`),
        await bob.delete(`/api/workflows/${wf.id}`),
      ];

      expect(attempts.map((r) => r.status)).toEqual(Array(attempts.length).fill(404));
      const mine = await alice.get(`/api/workflows/${wf.id}`);
      expect(mine.status).toBe(200);
      expect(mine.body).toMatchObject({ name: 'Private', active: true, latestVersion: 1 });
      expect((await bob.get('/api/executions')).body.items).toEqual([]);
      expect((await executionsOf(alice, wf.id)).map((e) => e.id)).toEqual([execution.id]);
    });
  });

  describe('bad input', () => {
    it('answers 400 naming the field and changes nothing', async () => {
      const wf = await createWorkflow(
        alice,
        'Untouched',
        graph([{ id: 'hook', type: 'webhook', config: {} }], []),
      );
      const before = await alice.get('/api/workflows?limit=100');

      const badCreate = await alice.post('/api/workflows', { body: { name: 42 } });
      const badGraph = await alice.put(`/api/workflows/${wf.id}`, {
        body: { graph: { nodes: 'not a list', edges: [] } },
      });
      const malformed = await alice.post('/api/workflows', {
        rawBody: '{"name": ',
        headers: { 'content-type': 'application/json' },
      });
      const badSignup = await client.post('/api/auth/signup', {
        body: { email: 'not-an-email', password: 'short' },
      });
      const badRun = await alice.post(`/api/workflows/${wf.id}/runs`, { body: { draft: 'yes' } });

      for (const res of [badCreate, badGraph, malformed, badSignup, badRun]) {
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({
          code: expect.any(String),
          message: expect.any(String),
        });
      }
      expect(JSON.stringify(badCreate.body.error)).toContain('name');
      expect(JSON.stringify(badGraph.body.error)).toContain('nodes');
      const after = await alice.get('/api/workflows?limit=100');
      expect(after.body.items.map((w: { id: string }) => w.id)).toEqual(
        before.body.items.map((w: { id: string }) => w.id),
      );
      const unchanged = await alice.get(`/api/workflows/${wf.id}`);
      expect(unchanged.body.graph.nodes).toHaveLength(1);
      expect(unchanged.body.name).toBe('Untouched');
    });
  });

  describe('access tokens', () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

    it('refuses a tampered token and an alg:none token with 401', async () => {
      const token = await alice.token();
      const [header, payload, sig] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const tampered = `${header}.${b64({ ...claims, sub: bob.userId })}.${sig}`;
      const algNone = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.`;

      for (const bad of [tampered, algNone, 'not-a-jwt']) {
        const res = await client.get('/api/workflows', { token: bad });
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('unauthorized');
      }
      expect((await client.get('/api/workflows')).status).toBe(401);
      expect((await client.get('/api/workflows', { token })).status).toBe(200);
    });

    it('refuses an expired token with 401', async () => {
      // Alice's first token (issued at sign-up, valid for 30 s) expires while the suite runs.
      const res = await waitFor(
        async () => {
          const r = await client.get('/api/executions', { token: aliceFirstToken });
          return r.status === 401 ? r : undefined;
        },
        {
          timeoutMs: (ACCESS_TOKEN_TTL_SECONDS + 10) * 1000,
          intervalMs: 500,
          message: 'token expired',
        },
      );
      expect(res.body.error.message).toMatch(/expired/);
      expect((await client.get('/api/auth/me', { token: aliceFirstToken })).status).toBe(401);
    });
  });

  describe('API keys', () => {
    it('a read-only key reads workflows but cannot create one or manage keys; the session can', async () => {
      // Prepare
      const created = await alice.post('/api/auth/api-keys', {
        body: { name: 'dashboard', scopes: ['workflows:read', 'executions:read'] },
      });
      expect(created.status).toBe(201);
      const exchanged = await client.post('/api/auth/token', {
        body: { apiKey: created.body.key },
      });
      const keyToken = exchanged.body.accessToken as string;
      // Act
      const write = await client.post('/api/workflows', {
        token: keyToken,
        body: { name: 'by key' },
      });
      const read = await client.get('/api/workflows', { token: keyToken });
      const run = await client.post('/api/workflows/00000000-0000-4000-8000-000000000000/runs', {
        token: keyToken,
      });
      const mint = await client.post('/api/auth/api-keys', {
        token: keyToken,
        body: { name: 'spare' },
      });
      // Assess
      expect(write.status).toBe(403);
      expect(write.body.error.code).toBe('insufficient_scope');
      expect(read.status).toBe(200);
      expect(run.status).toBe(403);
      expect(mint.status).toBe(403);
      expect((await alice.post('/api/workflows', { body: { name: 'by session' } })).status).toBe(
        201,
      );
    });
  });

  describe('the gateway', () => {
    it('refuses a body over 1 MB with 413', async () => {
      const big = { name: 'big', description: 'x'.repeat(1024 * 1024 + 10) };
      const res = await alice.post('/api/workflows', { body: big });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('payload_too_large');
    });

    it('does not route the services’ internal endpoints', async () => {
      const wf = await createWorkflow(
        alice,
        'Internal',
        graph([{ id: 'hook', type: 'webhook', config: {} }], []),
      );
      for (const path of [
        `/internal/workflows/${wf.id}/run-spec?ownerId=${alice.userId}&draft=true`,
        `/internal/connections/${randomUUID()}/access`,
        '/internal/connections/check',
        '/internal/executions/latest',
        '/metrics',
        '/api/internal/x',
      ]) {
        const res = await alice.get(path);
        expect(res.status).toBe(404);
      }
    });

    it('reports every upstream ready and serves the OpenAPI document', async () => {
      const ready = await client.get('/readyz');
      expect(ready.status).toBe(200);
      expect(Object.keys(ready.body.upstreams).sort()).toEqual([
        'auth',
        'execution',
        'executor',
        'trigger',
        'workflow-catalog',
      ]);
      const doc = await client.get('/api/openapi.json');
      expect(doc.body.openapi).toBe('3.1.0');
    });
  });
});
