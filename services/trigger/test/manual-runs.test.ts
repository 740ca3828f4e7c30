import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import type { WorkflowGraph } from '@flowgenie/contracts';
import { CatalogWorkflowSpecSource } from '../src/adapters/http/catalog-spec-source';
import {
  InvalidWorkflowError,
  NotRunnableError,
  UpstreamUnavailableError,
} from '../src/domain/errors';
import type { RunSpec, WorkflowSpecSource } from '../src/ports/workflow-spec-source';
import { ALL_TEST_SCOPES } from '@flowgenie/testing';
import { graphWith, TriggerHarness } from './support';

/** The catalog as the trigger sees it: workflows by (owner, id), published graph and draft. */
class FakeSpecSource implements WorkflowSpecSource {
  readonly calls: Array<{ workflowId: string; ownerId: string; draft: boolean }> = [];
  private readonly workflows = new Map<
    string,
    { ownerId: string; published: RunSpec; draft: RunSpec }
  >();

  add(
    ownerId: string,
    published: { graph: WorkflowGraph; version: number },
    draftGraph: WorkflowGraph = published.graph,
  ): string {
    const id = randomUUID();
    this.workflows.set(id, {
      ownerId,
      published: { ...published, name: 'wf' },
      draft: { graph: draftGraph, version: null, name: 'wf' },
    });
    return id;
  }

  async getRunSpec(query: {
    workflowId: string;
    ownerId: string;
    draft: boolean;
  }): Promise<RunSpec | undefined> {
    this.calls.push(query);
    const wf = this.workflows.get(query.workflowId);
    if (!wf || wf.ownerId !== query.ownerId) return undefined;
    return query.draft ? wf.draft : wf.published;
  }
}

// Real Postgres, Redis and HTTP: suite start-up and the schedule waits take seconds under a loaded CI.
jest.setTimeout(30_000);

describe('manual runs', () => {
  let h: TriggerHarness;
  let signingKey: CryptoKey;
  const specs = new FakeSpecSource();
  const alice = { id: randomUUID(), email: 'alice@example.com' };
  const bob = { id: randomUUID(), email: 'bob@example.com' };
  let aliceToken: string;
  let bobToken: string;

  async function tokenFor(
    user: { id: string; email: string },
    scope = ALL_TEST_SCOPES,
  ): Promise<string> {
    return new SignJWT({ email: user.email, scope })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'test' })
      .setSubject(user.id)
      .setIssuer(h.config.AUTH_ISSUER)
      .setAudience(h.config.AUTH_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(signingKey);
  }

  function run(
    workflowId: string,
    body: unknown,
    opts: { token?: string; headers?: Record<string, string> } = {},
  ) {
    return fetch(`${h.url}/workflows/${workflowId}/runs`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(opts.token === undefined
          ? { authorization: `Bearer ${aliceToken}` }
          : opts.token
            ? { authorization: `Bearer ${opts.token}` }
            : {}),
        ...opts.headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    signingKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'test', alg: 'ES256' };
    h = await TriggerHarness.start(
      {},
      { keySet: createLocalJWKSet({ keys: [jwk] }), specSource: specs },
    );
    aliceToken = await tokenFor(alice);
    bobToken = await tokenFor(bob);
  });
  afterAll(() => h.close());

  it('emits workflow.triggered (mode manual) with the published version, graph and payload', async () => {
    const graph = graphWith({ type: 'webhook', id: 'hook' });
    const workflowId = specs.add(alice.id, { graph, version: 3 });

    const res = await run(workflowId, { payload: { customer: 'c-1' } });

    expect(res.status).toBe(202);
    const { executionId, statusUrl } = (await res.json()) as {
      executionId: string;
      statusUrl: string;
    };
    expect(statusUrl).toBe(`/api/executions/${executionId}`);
    const event = await h.waitForTriggered((e) => e.data.executionId === executionId);
    expect(event.data).toMatchObject({
      workflowId,
      ownerId: alice.id,
      version: 3,
      mode: 'manual',
      triggerNodeId: 'hook',
      payload: { customer: 'c-1' },
      graph,
    });
    expect(specs.calls).toContainEqual({ workflowId, ownerId: alice.id, draft: false });
  });

  it('runs the current draft with version null', async () => {
    const draft = graphWith({
      type: 'manual',
      id: 'go',
      config: { samplePayload: { sample: true } },
    });
    const workflowId = specs.add(
      alice.id,
      { graph: graphWith({ type: 'manual' }), version: 1 },
      draft,
    );

    const res = await run(workflowId, { draft: true });

    expect(res.status).toBe(202);
    const { executionId } = (await res.json()) as { executionId: string };
    const event = await h.waitForTriggered((e) => e.data.executionId === executionId);
    // No payload given: the manual node's sample payload is used.
    expect(event.data).toMatchObject({
      version: null,
      triggerNodeId: 'go',
      graph: draft,
      payload: { sample: true },
    });
    expect(specs.calls).toContainEqual({ workflowId, ownerId: alice.id, draft: true });
  });

  it("runs one step of the draft (runNode), starting from the trigger's pinned sample", async () => {
    const draft = graphWith({ type: 'webhook', id: 'hook' });
    draft.nodes[0] = { ...draft.nodes[0], pinnedData: { body: { pinned: true } } };
    const published = graphWith({ type: 'webhook', id: 'hook' });
    const workflowId = specs.add(alice.id, { graph: published, version: 1 }, draft);

    const res = await run(workflowId, { draft: true, runNode: 'shape' });

    expect(res.status).toBe(202);
    const { executionId } = (await res.json()) as { executionId: string };
    const event = await h.waitForTriggered((e) => e.data.executionId === executionId);
    expect(event.data).toMatchObject({
      version: null,
      runNode: 'shape',
      payload: { body: { pinned: true } },
    });
  });

  it('refuses a runNode that is not a step of the draft, the trigger, or without draft: 400', async () => {
    const graph = graphWith({ type: 'webhook', id: 'hook' });
    const workflowId = specs.add(alice.id, { graph, version: 1 });
    const before = h.triggered.length;

    for (const [body, message] of [
      [{ draft: true, runNode: 'nope' }, 'no step "nope" in the draft'],
      [{ draft: true, runNode: 'hook' }, 'the trigger is not a step to run'],
      [{ runNode: 'shape' }, 'send draft: true with it'],
    ] as const) {
      const res = await run(workflowId, body);
      expect(res.status).toBe(400);
      const answer = (await res.json()) as {
        error: { message: string; details: { path: string; message: string }[] };
      };
      expect(answer.error.details[0].path).toBe('runNode');
      expect(answer.error.details[0].message).toContain(message);
    }
    expect(h.triggered.length).toBe(before);
  });

  it('accepts an empty body', async () => {
    const workflowId = specs.add(alice.id, { graph: graphWith({ type: 'manual' }), version: 1 });
    const res = await fetch(`${h.url}/workflows/${workflowId}/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${aliceToken}` },
    });
    expect(res.status).toBe(202);
  });

  it('honours Idempotency-Key: the same execution, one event', async () => {
    const workflowId = specs.add(alice.id, { graph: graphWith({ type: 'manual' }), version: 1 });
    const headers = { 'idempotency-key': 'run-once-1' };

    const a = (await (await run(workflowId, {}, { headers })).json()) as { executionId: string };
    const b = (await (await run(workflowId, {}, { headers })).json()) as { executionId: string };

    expect(b.executionId).toBe(a.executionId);
    await h.waitForTriggered((e) => e.data.executionId === a.executionId);
    expect(await h.outboxOf(workflowId)).toHaveLength(1);
  });

  it('refuses a token without executions:write (a read-only API key) with 403 and emits nothing', async () => {
    const workflowId = specs.add(alice.id, { graph: graphWith({ type: 'manual' }), version: 1 });
    const readOnly = await tokenFor(alice, 'workflows:read executions:read');

    const res = await run(workflowId, {}, { token: readOnly });

    expect(res.status).toBe(403);
    expect((await res.json()) as unknown).toMatchObject({
      error: { code: 'insufficient_scope', message: expect.stringContaining('executions:write') },
    });
    expect(await h.firingsOf(workflowId)).toHaveLength(0);
  });

  it("answers 404 for another user's workflow and emits nothing", async () => {
    const workflowId = specs.add(alice.id, { graph: graphWith({ type: 'manual' }), version: 1 });

    const res = await run(workflowId, {}, { token: bobToken });

    expect(res.status).toBe(404);
    expect((await res.json()) as unknown).toMatchObject({ error: { code: 'not_found' } });
    expect(await h.firingsOf(workflowId)).toHaveLength(0);
  });

  it('answers 404 for an id that is not a workflow id', async () => {
    expect((await run('not-a-uuid', {})).status).toBe(404);
  });

  it.each([
    ['draft of the wrong type', { draft: 'yes' }, 'draft'],
    ['an unknown field', { paylod: { typo: true } }, undefined],
    ['an array', [1, 2], undefined],
  ])('answers 400 to a body with %s and emits nothing', async (_case, body, field) => {
    const workflowId = specs.add(alice.id, { graph: graphWith({ type: 'manual' }), version: 1 });
    const res = await run(workflowId, body);
    expect(res.status).toBe(400);
    const answer = (await res.json()) as {
      error: { code: string; details?: Array<{ path?: string }> };
    };
    expect(answer.error.code).toBe('validation_failed');
    if (field) expect(answer.error.details?.map((d) => d.path)).toContain(field);
    expect(await h.firingsOf(workflowId)).toHaveLength(0);
  });

  it('answers 400 to malformed JSON and to a non-JSON body', async () => {
    const workflowId = specs.add(alice.id, { graph: graphWith({ type: 'manual' }), version: 1 });
    expect((await run(workflowId, '{"draft": tru')).status).toBe(400);
    expect(
      (await run(workflowId, 'draft=true', { headers: { 'content-type': 'text/plain' } })).status,
    ).toBe(400);
  });

  it('answers 401 without a valid token', async () => {
    const workflowId = specs.add(alice.id, { graph: graphWith({ type: 'manual' }), version: 1 });
    expect((await run(workflowId, {}, { token: '' })).status).toBe(401);
    expect((await run(workflowId, {}, { token: 'not.a.jwt' })).status).toBe(401);
  });
});

describe('catalog run-spec client', () => {
  let server: http.Server;
  let baseUrl: string;
  const seen: string[] = [];
  const bearers: (string | undefined)[] = [];
  const serviceToken = () => Promise.resolve('internal-service-token-for-spec-source-0123456789');
  const graph = graphWith({ type: 'manual' });
  const answers: Record<string, [number, unknown]> = {};

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      bearers.push(req.headers.authorization);
      const id = (req.url ?? '').split('/')[3];
      const [status, body] = answers[id] ?? [
        404,
        { error: { code: 'not_found', message: 'workflow not found' } },
      ];
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('asks the internal endpoint with owner and draft and reads the spec', async () => {
    const id = randomUUID();
    const owner = randomUUID();
    answers[id] = [200, { graph, version: 4, name: 'Daily report' }];
    const source = new CatalogWorkflowSpecSource({ baseUrl, serviceToken });

    const spec = await source.getRunSpec({ workflowId: id, ownerId: owner, draft: true });

    expect(spec).toEqual({ graph, version: 4, name: 'Daily report' });
    expect(seen).toContain(`/internal/workflows/${id}/run-spec?ownerId=${owner}&draft=true`);
    expect(bearers.at(-1)).toBe('Bearer internal-service-token-for-spec-source-0123456789');
  });

  it('maps 404 to "no such workflow", 409 and 400 to their errors, and anything else to unavailable', async () => {
    const source = new CatalogWorkflowSpecSource({ baseUrl, serviceToken });
    const q = (workflowId: string) => ({ workflowId, ownerId: randomUUID(), draft: false });
    await expect(source.getRunSpec(q(randomUUID()))).resolves.toBeUndefined();

    const unpublished = randomUUID();
    answers[unpublished] = [
      409,
      { error: { code: 'nothing_published', message: 'publish it first' } },
    ];
    await expect(source.getRunSpec(q(unpublished))).rejects.toThrow(
      new NotRunnableError('publish it first'),
    );

    const broken = randomUUID();
    answers[broken] = [
      400,
      {
        error: {
          code: 'validation_failed',
          message: 'graph invalid',
          details: [{ nodeId: 'x', message: 'bad' }],
        },
      },
    ];
    await expect(source.getRunSpec(q(broken))).rejects.toMatchObject({
      constructor: InvalidWorkflowError,
      details: [{ nodeId: 'x', message: 'bad' }],
    });

    const failing = randomUUID();
    answers[failing] = [500, { error: { code: 'internal', message: 'x' } }];
    await expect(source.getRunSpec(q(failing))).rejects.toBeInstanceOf(UpstreamUnavailableError);

    const refused = randomUUID();
    answers[refused] = [401, { error: { code: 'unauthorized', message: 'send the token' } }];
    await expect(source.getRunSpec(q(refused))).rejects.toBeInstanceOf(UpstreamUnavailableError);

    const down = new CatalogWorkflowSpecSource({
      baseUrl: 'http://127.0.0.1:1',
      serviceToken,
      timeoutMs: 500,
    });
    await expect(down.getRunSpec(q(randomUUID()))).rejects.toBeInstanceOf(UpstreamUnavailableError);

    const asked = seen.length;
    const tokenless = new CatalogWorkflowSpecSource({
      baseUrl,
      serviceToken: () => Promise.reject(new Error('EACCES: internal.token')),
    });
    await expect(tokenless.getRunSpec(q(unpublished))).rejects.toThrow(
      'the internal service token cannot be read',
    );
    expect(seen).toHaveLength(asked);
  });
});
