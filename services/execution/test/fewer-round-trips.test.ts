import { randomUUID } from 'node:crypto';
import { statementCounter } from '@flowgenie/testing';
import { PgExecutionStore } from '../src/adapters/persistence/execution.store';
import { SCHEMA } from '../src/config';
import { pendingStep, type Execution } from '../src/domain/execution';
import {
  expectOneExecutionPerKey,
  hotPathGraph,
  httpGraph,
  startTestServer,
  startExecutionService,
  type Json,
  type TestExecution,
} from './support';

jest.setTimeout(60_000);

/**
 * What round-trips.test.ts counts must keep its guarantees: with the default
 * EXECUTION_EVENTS=routed a start is one statement (inbox row, execution, planned steps), and a
 * chain skips re-reading its steps under the lock when the row's change marker is the one it read,
 * and records itself in one statement that writes nothing if the marker moved.
 */
describe('the hot path with fewer round trips', () => {
  let svc: TestExecution;
  let user: { userId: string; token: string };

  beforeAll(async () => {
    svc = await startExecutionService('execution_start_once');
    user = await svc.userToken();
  });
  afterAll(() => svc?.close());

  it('creates one execution for a redelivered event or a repeated idempotency key', async () => {
    const workflowId = randomUUID();
    const input = {
      ownerId: user.userId,
      graph: hotPathGraph(),
      payload: { body: { a: 1, b: 2 } },
      workflowId,
      idempotencyKey: 'key-1',
    };
    const { first, done } = await expectOneExecutionPerKey(svc, user, input);
    expect(done.status).toBe('succeeded');
    expect(await svc.outboxOf(first.executionId)).toEqual([]);
  });

  it("runs an in-memory chain in this process's executor without the steps queue, and an HTTP step still through it", async () => {
    // Job ids the steps queue was given (BullMQ's event stream of this prefix)
    const queuedJobIds = async () =>
      (await svc.redis.xrange(`${svc.prefix}:steps:events`, '-', '+'))
        .filter(([, fields]) => fields[1] === 'added')
        .map(([, fields]) => fields[fields.indexOf('jobId') + 1]);
    const server = await startTestServer(() => ({ status: 200, body: { ok: true } }));
    try {
      // Act: an execution of in-memory steps only, and one with an HTTP step
      const inMemory = await svc.trigger({
        ownerId: user.userId,
        graph: hotPathGraph(),
        payload: { body: { a: 20, b: 5 } },
      });
      const http = await svc.trigger({ ownerId: user.userId, graph: httpGraph(server.url) });
      const done = await svc.waitForExecution(inMemory.executionId, user.token);
      const fetched = await svc.waitForExecution(http.executionId, user.token);

      // Assess: both succeeded; only the HTTP step's job went through Redis
      expect([done.status, fetched.status]).toEqual(['succeeded', 'succeeded']);
      const queued = await queuedJobIds();
      expect(queued.filter((id) => id.startsWith(http.executionId))).toHaveLength(1);
      expect(queued.filter((id) => id.startsWith(inMemory.executionId))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('answers at a respond step between in-memory steps, and runs the steps after it once the start is written', async () => {
    // The first chain runs before the start is written and ends at the respond step: its answer
    // goes out with that write, and the step after it runs under the same job afterwards.
    const graph = hotPathGraph();
    graph.nodes.push({
      id: 'after',
      type: 'transform',
      position: { x: 800, y: 0 },
      config: { expression: '{"twice": {{ steps.sum.total * 2 }} }' },
    });
    graph.edges.push({ id: 'e4', source: 'respond', sourceHandle: 'main', target: 'after' });
    const { executionId } = await svc.trigger({
      ownerId: user.userId,
      graph,
      payload: { body: { a: 20, b: 5 } },
    });
    const done = await svc.waitForExecution(executionId, user.token);
    expect(done.status).toBe('succeeded');
    expect(done.steps.map((s: Json) => [s.nodeId, s.status, s.attempts])).toEqual([
      ['hook', 'succeeded', 1],
      ['sum', 'succeeded', 1],
      ['check', 'succeeded', 1],
      ['respond', 'succeeded', 1],
      ['after', 'succeeded', 1],
    ]);
    expect(done.steps[4].output).toEqual({ twice: 50 });
    // The answer first, then the final status once the last step is recorded.
    const mine = svc.responses.filter((m) => m.executionId === executionId);
    expect(mine.map((m) => m.kind)).toEqual(['respond', 'final']);
    expect(mine[0]).toMatchObject({ status: 200, body: { total: 25 } });
  });

  it('fails an execution whose first in-memory step fails, with its input and error, in the start', async () => {
    const graph = hotPathGraph();
    graph.nodes[1] = { ...graph.nodes[1], config: { expression: '{{ trigger.body.a ++ }}' } };
    const { executionId } = await svc.trigger({
      ownerId: user.userId,
      graph,
      payload: { body: { a: 1, b: 2 } },
    });
    const done = await svc.waitForExecution(executionId, user.token);
    expect(done).toMatchObject({ status: 'failed', error: { nodeId: 'sum' } });
    expect(done.steps.map((s: Json) => [s.nodeId, s.status])).toEqual([
      ['hook', 'succeeded'],
      ['sum', 'failed'],
      ['check', 'skipped'],
      ['respond', 'skipped'],
    ]);
    expect(done.steps[1]).toMatchObject({ attempts: 1, error: { code: 'expression_error' } });
    expect(done.steps[1].attemptLog).toHaveLength(1);
    // The caller waiting on it hears why.
    const final = svc.responses.find((m) => m.executionId === executionId && m.kind === 'final');
    expect(final).toMatchObject({ status: 'failed', error: expect.stringMatching(/expression/i) });
  });

  it('records every step with its input and output, and the trigger payload', async () => {
    const { executionId } = await svc.trigger({
      ownerId: user.userId,
      graph: hotPathGraph(),
      payload: { body: { a: 20, b: 5 } },
    });
    const done = await svc.waitForExecution(executionId, user.token);
    expect(done).toMatchObject({ status: 'succeeded', mode: 'webhook', version: 1 });
    expect(
      done.steps.map((s: Json) => [s.nodeId, s.status, s.attempts, s.maxAttempts > 0]),
    ).toEqual([
      ['hook', 'succeeded', 1, true],
      ['sum', 'succeeded', 1, true],
      ['check', 'succeeded', 1, true],
      ['respond', 'succeeded', 1, true],
    ]);
    expect(done.steps[0].output).toEqual({ body: { a: 20, b: 5 } });
    expect(done.steps[0].attemptLog).toHaveLength(1);
    expect(done.steps[1]).toMatchObject({ input: expect.anything(), output: { total: 25 } });
  });

  it('joins two in-memory branches that separate jobs finish at the same time', async () => {
    // Each branch is its own job, run side by side: the second to write finds the marker changed
    // by the first, reads the steps again, and queues the join.
    const node = (id: string, type: string, config: Record<string, unknown>) => ({
      id,
      type,
      position: { x: 0, y: 0 },
      config,
    });
    const graph = {
      nodes: [
        node('hook', 'webhook', { responseMode: 'immediately' }),
        node('left', 'transform', { expression: '{"l": {{ trigger.body.a }} }' }),
        node('right', 'transform', { expression: '{"r": {{ trigger.body.b }} }' }),
        node('join', 'transform', {
          expression: '{"sum": {{ steps.left.l + steps.right.r }} }',
        }),
      ],
      edges: [
        { id: 'e1', source: 'hook', sourceHandle: 'main', target: 'left' },
        { id: 'e2', source: 'hook', sourceHandle: 'main', target: 'right' },
        { id: 'e3', source: 'left', sourceHandle: 'main', target: 'join' },
        { id: 'e4', source: 'right', sourceHandle: 'main', target: 'join' },
      ],
    };
    const runs = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        svc.trigger({ ownerId: user.userId, graph, payload: { body: { a: i, b: 100 } } }),
      ),
    );
    for (const [i, { executionId }] of runs.entries()) {
      const done = await svc.waitForExecution(executionId, user.token);
      expect(done.status).toBe('succeeded');
      expect(done.steps.find((s: Json) => s.nodeId === 'join')).toMatchObject({
        status: 'succeeded',
        output: { sum: i + 100 },
      });
    }
    // Answered at once, so nobody waits for an answer: none is published.
    const mine = new Set(runs.map((r) => r.executionId));
    expect(svc.responses.filter((m) => mine.has(m.executionId))).toEqual([]);
  });

  it('records a chain in one statement only while the execution is unchanged since it was read', async () => {
    const graph = {
      nodes: [
        { id: 'start', type: 'manual', position: { x: 0, y: 0 }, config: {} },
        { id: 'pause', type: 'delay', position: { x: 0, y: 0 }, config: { ms: 60_000 } },
      ],
      edges: [{ id: 'a', source: 'start', sourceHandle: 'main', target: 'pause' }],
    };
    const { executionId } = await svc.trigger({ ownerId: user.userId, graph, mode: 'manual' });
    await svc.waitForExecution(executionId, user.token, (e) =>
      e.steps.some((s: Json) => s.nodeId === 'pause' && s.status === 'waiting'),
    );
    const store = new PgExecutionStore(svc.db, SCHEMA);
    const read = (await store.findDetail(executionId))!;
    const pause = read.steps.find((s) => s.nodeId === 'pause')!;
    const finishedAt = new Date();
    const writes = {
      steps: [{ ...pause, status: 'succeeded' as const, output: { late: true }, finishedAt }],
      finish: { status: 'succeeded' as const, error: null, finishedAt },
      events: [],
    };

    // Another writer changes the execution in between (its lock stamps the row): nothing written.
    await store.transaction(async (tx) => {
      await tx.lockExecution(executionId);
    });
    expect(await store.recordIfUnchanged(executionId, read.revision!, writes)).toBeUndefined();
    let now = (await store.findDetail(executionId))!;
    expect(now.status).toBe('running');
    expect(now.steps.find((s) => s.nodeId === 'pause')).toMatchObject({ status: 'waiting' });

    // Read at the current marker: the steps, the end and a new marker in one go.
    const stamped = await store.recordIfUnchanged(executionId, now.revision!, writes);
    expect(stamped).toEqual(expect.any(String));
    expect(stamped).not.toBe(now.revision);
    now = (await store.findDetail(executionId))!;
    expect(now).toMatchObject({ status: 'succeeded', revision: stamped });
    expect(now.steps.find((s) => s.nodeId === 'pause')).toMatchObject({
      status: 'succeeded',
      output: { late: true },
    });
    // Finished: no more writes, even at its current marker.
    expect(await store.recordIfUnchanged(executionId, now.revision!, writes)).toBeUndefined();
  });

  it('starts the executions of events handled together in a few statements, each as one at a time would', async () => {
    // Prepare: a store counting its statements, and starts as the consumer hands them over
    const counter = statementCounter();
    const store = new PgExecutionStore(svc.db.withPlugin(counter), SCHEMA);
    const graph = hotPathGraph();
    const sharedWorkflow = randomUUID();
    const start = (payload: unknown, key: string = randomUUID()) => {
      const now = new Date();
      const execution: Execution = {
        id: randomUUID(),
        ownerId: user.userId,
        workflowId: sharedWorkflow,
        version: 1,
        mode: 'webhook',
        status: 'running',
        idempotencyKey: key,
        triggerNodeId: 'hook',
        triggerPayload: payload,
        triggerPayloadRef: null,
        graph,
        error: null,
        stepTest: null,
        correlationId: randomUUID(),
        retries: 0,
        createdAt: now,
        startedAt: now,
        finishedAt: null,
        updatedAt: now,
      };
      const steps = graph.nodes.map((node) =>
        pendingStep(execution.id, node, {
          attempts: 1,
          backoff: { type: 'fixed', delayMs: 0 },
          timeoutMs: 30_000,
        }),
      );
      return { eventId: randomUUID(), execution, steps };
    };
    const starts = Array.from({ length: 30 }, (_, i) => start({ body: { i } }));
    const nullPayload = start(null);
    const sameKey = start({ body: 'again' }, starts[0].execution.idempotencyKey);

    // Act: all at once, one event twice
    const outcomes = await Promise.all(
      [...starts, nullPayload, starts[1], sameKey].map((s) =>
        store.startOnce('execution', s.eventId, s.execution, s.steps, []),
      ),
    );

    // Assess: each new event started once. Of the event's two copies, and of the two events with
    // one key, whichever came first started: the other was seen, or found its key taken.
    const started = { status: 'started', revision: expect.any(String) };
    expect([outcomes[1], outcomes[31]]).toEqual(
      expect.arrayContaining([started, { status: 'seen' }]),
    );
    expect([outcomes[0], outcomes[32]]).toEqual(
      expect.arrayContaining([started, { status: 'exists' }]),
    );
    expect(outcomes.slice(2, 31)).toEqual(Array.from({ length: 29 }, () => started));
    expect(counter.count).toBeLessThanOrEqual(4);
    const stored = (await store.findDetail(starts[7].execution.id))!;
    expect(stored).toMatchObject({ triggerPayload: { body: { i: 7 } }, status: 'running' });
    expect(stored.steps.map((s) => [s.nodeId, s.status])).toEqual(
      graph.nodes.map((n) => [n.id, 'pending']),
    );
    // A JSON null payload stays null, as the one-at-a-time insert kept it
    expect((await store.findDetail(nullPayload.execution.id))!.triggerPayload).toBeNull();
    const keyTaken = outcomes[0].status === 'exists' ? starts[0] : sameKey;
    expect(await store.findDetail(keyTaken.execution.id)).toBeUndefined();
  });
});
