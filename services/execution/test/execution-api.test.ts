import { randomUUID } from 'node:crypto';
import { createEvent } from '@flowgenie/messaging';
import { waitFor } from '@flowgenie/testing';
import {
  httpGraph,
  readStream,
  slowGraph,
  startExecutionService,
  startTestServer,
  stepOf,
  type Json,
  type TestExecution,
} from './support';

jest.setTimeout(30_000);

const NO_RETRY = { attempts: 1, backoff: { type: 'fixed', delayMs: 10 } };

describe('the executions API', () => {
  let svc: TestExecution;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let healthy = false;
  let alice: { userId: string; token: string };
  let mallory: { userId: string; token: string };

  beforeAll(async () => {
    // Every execution.* event written (no consumer is routed to them): these tests check their data.
    svc = await startExecutionService('execution_api', { EXECUTION_EVENTS: 'all' });
    server = await startTestServer(() =>
      healthy
        ? { status: 200, body: { fixed: true } }
        : { status: 503, body: { error: 'maintenance' } },
    );
    alice = await svc.userToken();
    mallory = await svc.userToken();
  });

  afterAll(async () => {
    await svc?.close();
    await server?.close();
  });

  it('retries a failed execution from its failed step once the cause is fixed', async () => {
    // Prepare: a run that fails on an unavailable server, with a step below it skipped.
    healthy = false;
    const graph = httpGraph(`${server.url}/thing`, NO_RETRY, {
      nodes: [
        {
          id: 'use',
          type: 'transform',
          position: { x: 0, y: 0 },
          config: { expression: '{{ steps.fetch.body }}' },
        },
      ],
      edges: [{ id: 'e2', source: 'fetch', sourceHandle: 'main', target: 'use' }],
    });
    const { executionId } = await svc.trigger({ ownerId: alice.userId, graph });
    const failed = await svc.waitForExecution(executionId, alice.token);
    expect(failed.status).toBe('failed');
    expect(stepOf(failed, 'use').status).toBe('skipped');
    const requestsBefore = server.requests.length;

    // Act
    healthy = true;
    const retried = await svc.call('POST', `/executions/${executionId}/retry`, {
      token: alice.token,
    });

    // Assess
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ id: executionId, status: 'running', error: null });
    expect(stepOf(retried.body, 'fetch')).toMatchObject({ attempts: 0, error: null });
    expect(['queued', 'running', 'succeeded']).toContain(stepOf(retried.body, 'fetch').status);
    const done = await svc.waitForExecution(executionId, alice.token);
    expect(done.status).toBe('succeeded');
    expect(stepOf(done, 'fetch')).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      output: { status: 200, body: { fixed: true } },
    });
    expect(stepOf(done, 'fetch').attemptLog).toHaveLength(2); // the failed attempt stays in the log
    expect(stepOf(done, 'use')).toMatchObject({ status: 'succeeded', output: { fixed: true } });
    expect(stepOf(done, 'hook').attempts).toBe(1); // steps that had succeeded did not run again
    expect(server.requests.length).toBe(requestsBefore + 1);
    const types = (
      await waitFor(async () => {
        const events = await svc.outboxOf(executionId);
        return events.length >= 4 ? events : undefined;
      })
    ).map((e) => e.type);
    expect(types).toEqual([
      'execution.started',
      'execution.failed',
      'execution.started',
      'execution.succeeded',
    ]);

    // A succeeded execution cannot be retried.
    const again = await svc.call('POST', `/executions/${executionId}/retry`, {
      token: alice.token,
    });
    expect(again.status).toBe(409);
  });

  it('cancels a running execution: unfinished steps canceled, queued job removed, nothing runs after', async () => {
    // Started by a webhook whose caller waits for a respond step: the caller is told at once.
    const slow = slowGraph();
    const { executionId } = await svc.trigger({
      ownerId: alice.userId,
      graph: {
        ...slow,
        nodes: slow.nodes.map((n) =>
          n.id === 'start'
            ? { ...n, type: 'webhook', config: { responseMode: 'respond_node' } }
            : n,
        ),
      },
    });
    await svc.waitForExecution(
      executionId,
      alice.token,
      (e) => stepOf(e, 'pause').status === 'waiting',
    );
    const [{ job_id: jobId }] = await svc.db
      .selectFrom('steps')
      .select('job_id')
      .where('execution_id', '=', executionId)
      .where('node_id', '=', 'pause')
      .execute();
    expect(await svc.executors[0].queue.queue.getJobState(jobId!)).toBe('delayed');

    const res = await svc.call('POST', `/executions/${executionId}/cancel`, { token: alice.token });

    expect(res.status).toBe(202);
    expect(res.body.status).toBe('canceled');
    expect(res.body.finishedAt).toEqual(expect.any(String));
    expect(Object.fromEntries(res.body.steps.map((s: Json) => [s.nodeId, s.status]))).toEqual({
      start: 'succeeded',
      pause: 'canceled',
      after: 'canceled',
    });
    expect(await svc.executors[0].queue.queue.getJobState(jobId!)).toBe('unknown');
    const final = await waitFor(() =>
      svc.responses.find((m) => m.executionId === executionId && m.kind === 'final'),
    );
    expect(final).toMatchObject({ status: 'canceled' });
    const again = await svc.call('POST', `/executions/${executionId}/cancel`, {
      token: alice.token,
    });
    expect(again.status).toBe(409);
    expect(
      (await svc.call('POST', `/executions/${executionId}/retry`, { token: alice.token })).status,
    ).toBe(409);
  });

  it('announces a cancel with execution.canceled in the outbox, once, and publishes it on the bus', async () => {
    // Prepare: a run waiting in its delay step.
    const workflowId = randomUUID();
    const { executionId } = await svc.trigger({
      ownerId: alice.userId,
      workflowId,
      graph: slowGraph(),
      mode: 'manual',
    });
    await svc.waitForExecution(
      executionId,
      alice.token,
      (e) => stepOf(e, 'pause').status === 'waiting',
    );
    // Act
    const res = await svc.call('POST', `/executions/${executionId}/cancel`, {
      token: alice.token,
    });
    expect(res.status).toBe(202);
    expect(
      (await svc.call('POST', `/executions/${executionId}/cancel`, { token: alice.token })).status,
    ).toBe(409);

    // Assess: written in the cancel's transaction with what a subscriber needs, and not again on the 409.
    const events = await svc.outboxOf(executionId);
    expect(events.map((e) => e.type)).toEqual(['execution.started', 'execution.canceled']);
    const [, canceled] = events;
    expect(canceled.data).toEqual({
      executionId,
      workflowId,
      ownerId: alice.userId,
      finishedAt: res.body.finishedAt,
      durationMs: expect.any(Number),
    });
    expect(canceled.data.durationMs).toBeGreaterThanOrEqual(0);
    // The relay publishes it on the bus (no service consumes it today; subscribers may).
    await waitFor(async () =>
      (await svc.outboxOf(executionId)).find((e) => e.type === 'execution.canceled' && e.published),
    );
    // A manual run has no caller waiting for a webhook answer: none is published for it.
    expect(svc.responses.filter((m) => m.executionId === executionId)).toEqual([]);
  });

  it('discards the result of a step that was running when the execution was canceled', async () => {
    const slow = await startTestServer(() => ({ status: 200, body: { late: true } }));
    try {
      slow.hold();
      const graph = httpGraph(`${slow.url}/slow`, NO_RETRY, {
        nodes: [
          {
            id: 'after',
            type: 'transform',
            position: { x: 0, y: 0 },
            config: { expression: '{{ 1 }}' },
          },
        ],
        edges: [{ id: 'e2', source: 'fetch', sourceHandle: 'main', target: 'after' }],
      });
      const { executionId } = await svc.trigger({ ownerId: alice.userId, graph });
      await waitFor(() => slow.requests.length === 1);
      const res = await svc.call('POST', `/executions/${executionId}/cancel`, {
        token: alice.token,
      });
      expect(res.status).toBe(202);
      slow.release();
      // The worker finishes its attempt; its result must not revive the execution.
      const [{ job_id: jobId }] = await svc.db
        .selectFrom('steps')
        .select('job_id')
        .where('execution_id', '=', executionId)
        .where('node_id', '=', 'fetch')
        .execute();
      // A finished step job is removed at once (it keeps no data): gone means the worker is done with it.
      await waitFor(
        async () => ((await svc.executors[0].queue.queue.getJob(jobId!)) ? undefined : true),
        { message: 'step job finished' },
      );
      const execution = (
        await svc.call('GET', `/executions/${executionId}`, { token: alice.token })
      ).body;
      expect(execution.status).toBe('canceled');
      expect(stepOf(execution, 'fetch')).toMatchObject({ status: 'canceled', output: null });
      expect(stepOf(execution, 'after').status).toBe('canceled');
    } finally {
      slow.release();
      await slow.close();
    }
  });

  it('cancels the running executions of a deleted workflow and keeps their history', async () => {
    const workflowId = randomUUID();
    const { executionId } = await svc.trigger({
      ownerId: alice.userId,
      workflowId,
      graph: slowGraph(),
      mode: 'manual',
    });
    await svc.waitForExecution(
      executionId,
      alice.token,
      (e) => stepOf(e, 'pause').status === 'waiting',
    );

    await svc.publishEvent(
      createEvent(
        'workflow.deleted',
        { workflowId, ownerId: alice.userId },
        { source: 'workflow-catalog' },
      ),
    );

    const execution = await svc.waitForExecution(
      executionId,
      alice.token,
      (e) => e.status === 'canceled',
    );
    expect(stepOf(execution, 'start')).toMatchObject({ status: 'succeeded', output: {} });
    const canceled = (await svc.outboxOf(executionId)).filter(
      (e) => e.type === 'execution.canceled',
    );
    expect(canceled).toEqual([
      expect.objectContaining({
        type: 'execution.canceled',
        data: expect.objectContaining({
          executionId,
          workflowId,
          ownerId: alice.userId,
          finishedAt: execution.finishedAt,
        }),
      }),
    ]);
  });

  it("answers 404 for another user's execution, whatever the method, and never lists it", async () => {
    const { executionId } = await svc.trigger({
      ownerId: alice.userId,
      graph: slowGraph(),
      mode: 'manual',
    });
    await svc.waitForExecution(
      executionId,
      alice.token,
      (e) => stepOf(e, 'pause').status === 'waiting',
    );

    expect(
      (await svc.call('GET', `/executions/${executionId}`, { token: mallory.token })).status,
    ).toBe(404);
    expect(
      (await readStream(`${svc.url}/executions/${executionId}/stream`, mallory.token)).status,
    ).toBe(404);
    expect(
      (await svc.call('POST', `/executions/${executionId}/cancel`, { token: mallory.token }))
        .status,
    ).toBe(404);
    expect(
      (await svc.call('POST', `/executions/${executionId}/retry`, { token: mallory.token })).status,
    ).toBe(404);
    const list = await svc.call('GET', '/executions', { token: mallory.token });
    expect(list.body).toEqual({ items: [], nextCursor: null });
    expect((await svc.call('GET', `/executions/not-a-uuid`, { token: alice.token })).status).toBe(
      404,
    );
    expect(
      (await svc.call('GET', `/executions/${randomUUID()}`, { token: alice.token })).status,
    ).toBe(404);
    // Still running for its owner.
    expect(
      (await svc.call('GET', `/executions/${executionId}`, { token: alice.token })).body.status,
    ).toBe('running');
    await svc.call('POST', `/executions/${executionId}/cancel`, { token: alice.token });
  });

  it('keeps what started each run: a polled item and a pushed provider event are told apart', async () => {
    const graph = {
      nodes: [{ id: 'mail', type: 'manual', position: { x: 0, y: 0 }, config: {} }],
      edges: [],
    };
    const polled = await svc.trigger({ ownerId: alice.userId, graph, mode: 'poll' });
    const pushed = await svc.trigger({ ownerId: alice.userId, graph, mode: 'event' });
    for (const [{ executionId }, mode] of [
      [polled, 'poll'],
      [pushed, 'event'],
    ] as const) {
      const execution = await svc.waitForExecution(executionId, alice.token);
      expect(execution).toMatchObject({ status: 'succeeded', mode });
    }
    const list = await svc.call('GET', '/executions?limit=10', { token: alice.token });
    const modes = list.body.items.map((e: Json) => e.mode);
    expect(modes).toEqual(expect.arrayContaining(['poll', 'event']));
  });

  it('requires a valid access token', async () => {
    expect((await svc.call('GET', '/executions')).status).toBe(401);
    expect((await svc.call('GET', '/executions', { token: 'not.a.token' })).status).toBe(401);
  });

  it('lists newest first with filters and keyset pagination', async () => {
    const bob = await svc.userToken();
    const workflowId = randomUUID();
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const { executionId } = await svc.trigger({
        ownerId: bob.userId,
        workflowId,
        graph: slowGraph(10),
        mode: 'manual',
        payload: { i },
      });
      await svc.waitForExecution(executionId, bob.token);
      ids.push(executionId);
    }
    healthy = false;
    const other = await svc.trigger({
      ownerId: bob.userId,
      graph: httpGraph(`${server.url}/x`, NO_RETRY),
      payload: {},
    });
    await svc.waitForExecution(other.executionId, bob.token);

    const page1 = await svc.call('GET', `/executions?workflowId=${workflowId}&limit=2`, {
      token: bob.token,
    });
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((e: Json) => e.id)).toEqual([ids[4], ids[3]]);
    expect(page1.body.items[0]).not.toHaveProperty('steps');
    expect(page1.body.items[0]).not.toHaveProperty('graph');
    expect(page1.body.items[0]).not.toHaveProperty('triggerPayload');
    expect(page1.body.items[0]).toMatchObject({
      workflowId,
      status: 'succeeded',
      mode: 'manual',
      durationMs: expect.any(Number),
    });
    const page2 = await svc.call(
      'GET',
      `/executions?workflowId=${workflowId}&limit=2&cursor=${page1.body.nextCursor}`,
      { token: bob.token },
    );
    expect(page2.body.items.map((e: Json) => e.id)).toEqual([ids[2], ids[1]]);
    const page3 = await svc.call(
      'GET',
      `/executions?workflowId=${workflowId}&limit=2&cursor=${page2.body.nextCursor}`,
      { token: bob.token },
    );
    expect(page3.body).toEqual({
      items: [expect.objectContaining({ id: ids[0] })],
      nextCursor: null,
    });

    const failedOnly = await svc.call('GET', '/executions?status=failed', { token: bob.token });
    expect(failedOnly.body.items.map((e: Json) => e.id)).toEqual([other.executionId]);
    const all = await svc.call('GET', '/executions', { token: bob.token });
    expect(all.body.items).toHaveLength(6);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(
      (await svc.call('GET', `/executions?from=${future}`, { token: bob.token })).body.items,
    ).toEqual([]);
    const past = new Date(Date.now() - 60_000).toISOString();
    expect(
      (await svc.call('GET', `/executions?from=${past}&to=${future}`, { token: bob.token })).body
        .items,
    ).toHaveLength(6);
  });

  it.each([
    ['workflowId=nope', 'workflowId'],
    ['status=sleeping', 'status'],
    ['from=yesterday', 'from'],
    ['limit=0', 'limit'],
    ['limit=abc', 'limit'],
    ['cursor=garbage', 'cursor'],
    [
      `from=${encodeURIComponent('2030-01-02T00:00:00Z')}&to=${encodeURIComponent('2030-01-01T00:00:00Z')}`,
      'to',
    ],
  ])('rejects the bad query %s with a 400 naming %s', async (query, field) => {
    const res = await svc.call('GET', `/executions?${query}`, { token: alice.token });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(field);
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: field })]),
    );
  });

  it('never shows a secret config value: the execution detail and its stream show the placeholder', async () => {
    // The catalog seals secrets before they travel; even the sealed form is nobody's business.
    const sealed = `fgenv1:${randomUUID()}`;
    const graph: Json = slowGraph(50);
    graph.nodes[0] = { ...graph.nodes[0], type: 'webhook', config: { hmacSecret: sealed } };
    const { executionId } = await svc.trigger({ ownerId: alice.userId, graph });
    const done = await svc.waitForExecution(
      executionId,
      alice.token,
      (e) => e.status === 'succeeded',
    );
    expect(JSON.stringify(done)).not.toContain(sealed);
    expect(done.graph.nodes[0].config.hmacSecret).toBe('__secret__');
    const stream = await readStream(`${svc.url}/executions/${executionId}/stream`, alice.token);
    expect(stream.events.length).toBeGreaterThan(0);
    expect(JSON.stringify(stream.events)).not.toContain(sealed);
  });

  it('a stream opened before the accepted run exists waits for it instead of answering 404', async () => {
    const executionId = randomUUID();
    const streaming = readStream(`${svc.url}/executions/${executionId}/stream`, alice.token);
    await new Promise((r) => setTimeout(r, 300)); // the stream is waiting: the run is not published yet
    await svc.trigger({ executionId, ownerId: alice.userId, graph: slowGraph(50), mode: 'manual' });
    const stream = await streaming;
    expect(stream.status).toBe(200);
    expect(stream.events[0]).toMatchObject({ id: executionId });
    expect(stream.events.at(-1)).toMatchObject({ id: executionId, status: 'succeeded' });

    // An id that never appears is still a 404, once the wait (3 s in these tests) is over.
    const started = Date.now();
    expect(
      (await readStream(`${svc.url}/executions/${randomUUID()}/stream`, alice.token)).status,
    ).toBe(404);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);

    // An id that cannot be an execution's is 404 at once: nothing to wait for.
    const malformed = Date.now();
    expect((await readStream(`${svc.url}/executions/not-an-id/stream`, alice.token)).status).toBe(
      404,
    );
    expect(Date.now() - malformed).toBeLessThan(1_000);
  });

  it('streams the execution on every change and ends when it finishes', async () => {
    const { executionId } = await svc.trigger({
      ownerId: alice.userId,
      graph: slowGraph(300),
      mode: 'manual',
    });
    await svc.waitForExecution(executionId, alice.token, () => true);
    const stream = await readStream(`${svc.url}/executions/${executionId}/stream`, alice.token);
    expect(stream.status).toBe(200);
    const statuses = stream.events.map((e) => stepOf(e, 'pause').status);
    expect(statuses).toContain('waiting');
    const last = stream.events[stream.events.length - 1];
    expect(last).toMatchObject({ id: executionId, status: 'succeeded' });
    expect(stepOf(last, 'after').output).toBe('done');
    // Each event differs from the one before.
    for (let i = 1; i < stream.events.length; i += 1)
      expect(stream.events[i]).not.toEqual(stream.events[i - 1]);
  });
});
