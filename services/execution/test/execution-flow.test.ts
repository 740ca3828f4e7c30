import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { currentCorrelationId } from '@flowgenie/platform';
import { waitFor } from '@flowgenie/testing';
import {
  expectOneExecutionPerKey,
  httpGraph,
  readStream,
  startExecutionService,
  startTestServer,
  stepOf,
  type Json,
  type TestExecution,
} from './support';

jest.setTimeout(30_000);

const FAST_RETRY = { attempts: 3, backoff: { type: 'fixed', delayMs: 50 } };

describe('running a triggered workflow', () => {
  let svc: TestExecution;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let user: { userId: string; token: string };

  beforeAll(async () => {
    // Every execution.* event written (no consumer is routed to them): these tests check their data.
    svc = await startExecutionService('execution_flow', { EXECUTION_EVENTS: 'all' });
    server = await startTestServer((req) => {
      if (req.url.startsWith('/users/42')) return { status: 200, body: { id: 42, name: 'Ada' } };
      if (req.url.startsWith('/users/7')) return { status: 200, body: { id: 7, name: 'Bob' } };
      return { status: 404, body: { error: 'no such user' } };
    });
    user = await svc.userToken();
  });

  afterAll(async () => {
    await svc?.close();
    await server?.close();
  });

  /** webhook → http_request → transform → if → respond (true) / respond_other (false). */
  const fullGraph = () =>
    httpGraph(`${server.url}/users/{{ trigger.body.userId }}`, FAST_RETRY, {
      nodes: [
        {
          id: 'shape',
          type: 'transform',
          position: { x: 400, y: 0 },
          config: {
            expression:
              '{{ { "name": steps.fetch.body.name, "loud": $uppercase(steps.fetch.body.name) } }}',
          },
        },
        {
          id: 'check',
          type: 'if',
          position: { x: 600, y: 0 },
          config: { condition: '{{ steps.shape.name = "Ada" }}' },
        },
        {
          id: 'respond',
          type: 'respond_to_webhook',
          position: { x: 800, y: 0 },
          config: {
            status: 201,
            headers: { 'x-flow': 'yes' },
            body: { greeting: 'hello {{ steps.shape.name }}', loud: '{{ steps.shape.loud }}' },
          },
        },
        {
          id: 'refuse',
          type: 'respond_to_webhook',
          position: { x: 800, y: 200 },
          config: { status: 403, body: 'not Ada' },
        },
      ],
      edges: [
        { id: 'e2', source: 'fetch', sourceHandle: 'main', target: 'shape' },
        { id: 'e3', source: 'shape', sourceHandle: 'main', target: 'check' },
        { id: 'e4', source: 'check', sourceHandle: 'true', target: 'respond' },
        { id: 'e5', source: 'check', sourceHandle: 'false', target: 'refuse' },
      ],
    });

  it('runs every step in order, storing input and output, and answers the webhook', async () => {
    // Prepare
    const payload = { method: 'POST', headers: {}, query: {}, body: { userId: 42 } };
    // Act
    const { executionId } = await svc.trigger({
      ownerId: user.userId,
      graph: fullGraph(),
      payload,
    });
    const execution = await svc.waitForExecution(executionId, user.token);
    // Assess
    expect(execution).toMatchObject({
      id: executionId,
      ownerId: user.userId,
      status: 'succeeded',
      mode: 'webhook',
      error: null,
      triggerPayload: payload,
    });
    expect(execution.durationMs).toEqual(expect.any(Number));
    expect(execution.steps.map((s: Json) => [s.nodeId, s.status])).toEqual([
      ['hook', 'succeeded'],
      ['fetch', 'succeeded'],
      ['shape', 'succeeded'],
      ['check', 'succeeded'],
      ['respond', 'succeeded'],
      ['refuse', 'skipped'],
    ]);
    expect(stepOf(execution, 'hook').output).toEqual(payload);
    const fetchStep = stepOf(execution, 'fetch');
    expect(fetchStep.input).toMatchObject({ method: 'GET', url: `${server.url}/users/42` });
    expect(fetchStep.output).toMatchObject({ status: 200, body: { id: 42, name: 'Ada' } });
    expect(fetchStep).toMatchObject({ attempts: 1, maxAttempts: 3, error: null, handle: 'main' });
    expect(fetchStep.attemptLog).toEqual([
      { attempt: 1, startedAt: expect.any(String), finishedAt: expect.any(String) },
    ]);
    expect(stepOf(execution, 'shape').output).toEqual({ name: 'Ada', loud: 'ADA' });
    expect(stepOf(execution, 'check')).toMatchObject({ output: { result: true }, handle: 'true' });
    expect(stepOf(execution, 'respond').input).toEqual({
      status: 201,
      headers: { 'x-flow': 'yes' },
      body: { greeting: 'hello Ada', loud: 'ADA' },
    });

    const messages = await waitFor(() => {
      const mine = svc.responses.filter((m) => m.executionId === executionId);
      return mine.length >= 2 ? mine : undefined;
    });
    expect(messages).toEqual([
      {
        kind: 'respond',
        executionId,
        status: 201,
        headers: { 'x-flow': 'yes' },
        body: { greeting: 'hello Ada', loud: 'ADA' },
      },
      expect.objectContaining({ kind: 'final', executionId, status: 'succeeded' }),
    ]);

    const events = await waitFor(async () => {
      const found = await svc.outboxOf(executionId);
      return found.length >= 2 ? found : undefined;
    });
    expect(events.map((e) => e.type)).toEqual(['execution.started', 'execution.succeeded']);
    expect(events[0].data).toMatchObject({
      executionId,
      ownerId: user.userId,
      mode: 'webhook',
      version: 1,
    });
  });

  it('takes the other branch and skips the one not taken', async () => {
    const payload = { method: 'POST', headers: {}, query: {}, body: { userId: 7 } };
    const { executionId } = await svc.trigger({
      ownerId: user.userId,
      graph: fullGraph(),
      payload,
    });
    const execution = await svc.waitForExecution(executionId, user.token);
    expect(execution.status).toBe('succeeded');
    expect(stepOf(execution, 'check')).toMatchObject({
      status: 'succeeded',
      handle: 'false',
      output: { result: false },
    });
    expect(stepOf(execution, 'respond')).toMatchObject({
      status: 'skipped',
      attempts: 0,
      output: null,
    });
    expect(stepOf(execution, 'refuse')).toMatchObject({
      status: 'succeeded',
      output: { status: 403, body: 'not Ada' },
    });
  });

  it('skips everything below a branch not taken, and joins where a taken edge arrives', async () => {
    const graph = {
      nodes: [
        { id: 'start', type: 'manual', position: { x: 0, y: 0 }, config: {} },
        {
          id: 'gate',
          type: 'if',
          position: { x: 0, y: 0 },
          config: { condition: '{{ trigger.go }}' },
        },
        {
          id: 'yes1',
          type: 'transform',
          position: { x: 0, y: 0 },
          config: { expression: '{{ "yes" }}' },
        },
        {
          id: 'yes2',
          type: 'transform',
          position: { x: 0, y: 0 },
          config: { expression: '{{ steps.yes1 & "!" }}' },
        },
        {
          id: 'no1',
          type: 'transform',
          position: { x: 0, y: 0 },
          config: { expression: '{{ "no" }}' },
        },
        {
          id: 'join',
          type: 'transform',
          position: { x: 0, y: 0 },
          config: { expression: '{{ [steps.yes2, steps.no1] }}' },
        },
        {
          id: 'orphan',
          type: 'transform',
          position: { x: 0, y: 0 },
          config: { expression: '{{ "never" }}' },
        },
      ],
      edges: [
        { id: 'a', source: 'start', sourceHandle: 'main', target: 'gate' },
        { id: 'b', source: 'gate', sourceHandle: 'true', target: 'yes1' },
        { id: 'c', source: 'yes1', sourceHandle: 'main', target: 'yes2' },
        { id: 'd', source: 'gate', sourceHandle: 'false', target: 'no1' },
        { id: 'e', source: 'yes2', sourceHandle: 'main', target: 'join' },
        { id: 'f', source: 'no1', sourceHandle: 'main', target: 'join' },
      ],
    };
    const { executionId } = await svc.trigger({
      ownerId: user.userId,
      graph,
      payload: { go: false },
      mode: 'manual',
    });
    const execution = await svc.waitForExecution(executionId, user.token);
    expect(execution.status).toBe('succeeded');
    expect(Object.fromEntries(execution.steps.map((s: Json) => [s.nodeId, s.status]))).toEqual({
      start: 'succeeded',
      gate: 'succeeded',
      yes1: 'skipped',
      yes2: 'skipped',
      no1: 'succeeded',
      join: 'succeeded',
      orphan: 'skipped',
    });
    expect(stepOf(execution, 'join').output).toEqual(['no']); // JSONata drops the missing yes2
  });

  it('retries a failing call with backoff and shows the retrying step, then succeeds on the third attempt', async () => {
    const flaky = await startTestServer((_req, n) =>
      n <= 2 ? { status: 500, body: { error: `boom ${n}` } } : { status: 200, body: { ok: true } },
    );
    try {
      const retry = { attempts: 3, backoff: { type: 'fixed', delayMs: 300 } };
      const { executionId } = await svc.trigger({
        ownerId: user.userId,
        graph: httpGraph(`${flaky.url}/flaky`, retry),
      });
      await svc.waitForExecution(executionId, user.token, () => true);
      const stream = await readStream(`${svc.url}/executions/${executionId}/stream`, user.token);
      const execution = await svc.waitForExecution(executionId, user.token);

      expect(execution.status).toBe('succeeded');
      const step = stepOf(execution, 'fetch');
      expect(step).toMatchObject({
        status: 'succeeded',
        attempts: 3,
        maxAttempts: 3,
        error: null,
        output: { status: 200, body: { ok: true } },
      });
      expect(step.attemptLog).toHaveLength(3);
      expect(step.attemptLog[0].error).toContain('HTTP 500');
      expect(step.attemptLog[2].error).toBeUndefined();
      expect(flaky.requests).toHaveLength(3);

      // The stream showed the step between attempts: retrying, n/max, with the last error.
      expect(stream.status).toBe(200);
      const retrying = stream.events
        .map((e) => stepOf(e, 'fetch'))
        .filter((s) => s.status === 'retrying');
      expect(retrying.length).toBeGreaterThan(0);
      expect(retrying[0]).toMatchObject({
        attempts: 1,
        maxAttempts: 3,
        error: { message: expect.stringContaining('HTTP 500'), code: 'http_error' },
      });
      expect(stream.events[stream.events.length - 1].status).toBe('succeeded');
    } finally {
      await flaky.close();
    }
  });

  it('fails the execution after the last attempt, with the error visible on the step and the execution', async () => {
    const broken = await startTestServer(() => ({ status: 500, body: { error: 'always down' } }));
    try {
      const { executionId } = await svc.trigger({
        ownerId: user.userId,
        graph: httpGraph(
          `${broken.url}/down`,
          { attempts: 2, backoff: { type: 'exponential', delayMs: 20 } },
          {
            nodes: [
              {
                id: 'after',
                type: 'transform',
                position: { x: 0, y: 0 },
                config: { expression: '{{ 1 }}' },
              },
            ],
            edges: [{ id: 'e2', source: 'fetch', sourceHandle: 'main', target: 'after' }],
          },
        ),
      });
      const execution = await svc.waitForExecution(executionId, user.token);

      expect(execution.status).toBe('failed');
      expect(execution.error).toEqual({
        message: expect.stringContaining('HTTP 500'),
        nodeId: 'fetch',
      });
      expect(stepOf(execution, 'fetch')).toMatchObject({
        status: 'failed',
        attempts: 2,
        maxAttempts: 2,
        error: { code: 'http_error', status: 500 },
      });
      expect(stepOf(execution, 'after').status).toBe('skipped');
      expect(broken.requests).toHaveLength(2);

      const events = await waitFor(async () => {
        const found = await svc.outboxOf(executionId);
        return found.length >= 2 ? found : undefined;
      });
      expect(events.map((e) => e.type)).toEqual(['execution.started', 'execution.failed']);
      expect(events[1].data.error).toEqual({
        message: expect.stringContaining('HTTP 500'),
        nodeId: 'fetch',
      });
      const final = await waitFor(() =>
        svc.responses.find((m) => m.executionId === executionId && m.kind === 'final'),
      );
      expect(final).toMatchObject({ status: 'failed', error: expect.stringContaining('HTTP 500') });
    } finally {
      await broken.close();
    }
  });

  it('waits at least as long as a Retry-After asks before the next attempt', async () => {
    const busy = await startTestServer((_req, n) =>
      n === 1
        ? { status: 503, body: 'busy', headers: { 'retry-after': '1' } }
        : { status: 200, body: { ok: true } },
    );
    try {
      const { executionId } = await svc.trigger({
        ownerId: user.userId,
        graph: httpGraph(`${busy.url}/busy`, {
          attempts: 2,
          backoff: { type: 'fixed', delayMs: 10 },
        }),
      });
      const execution = await svc.waitForExecution(executionId, user.token);
      expect(execution.status).toBe('succeeded');
      const [first, second] = stepOf(execution, 'fetch').attemptLog;
      expect(first.error).toContain('HTTP 503');
      expect(
        new Date(second.startedAt).getTime() - new Date(first.finishedAt).getTime(),
      ).toBeGreaterThanOrEqual(950);
    } finally {
      await busy.close();
    }
  });

  it('gives up an attempt that runs past its time limit', async () => {
    const silent = await startTestServer(() => 'hang');
    try {
      const { executionId } = await svc.trigger({
        ownerId: user.userId,
        graph: httpGraph(`${silent.url}/silent`, { attempts: 1, timeoutMs: 300 }),
      });
      const execution = await svc.waitForExecution(executionId, user.token);
      expect(execution.status).toBe('failed');
      const step = stepOf(execution, 'fetch');
      expect(step).toMatchObject({
        attempts: 1,
        error: { code: 'timeout', message: expect.stringContaining('300 ms') },
      });
      expect(new Date(step.finishedAt).getTime() - new Date(step.startedAt).getTime()).toBeLessThan(
        5000,
      );
    } finally {
      await silent.close();
    }
  });

  it('fails at once on a 404 (a permanent error is not retried)', async () => {
    const { executionId } = await svc.trigger({
      ownerId: user.userId,
      graph: httpGraph(`${server.url}/nobody`, FAST_RETRY),
    });
    const execution = await svc.waitForExecution(executionId, user.token);
    expect(execution.status).toBe('failed');
    expect(stepOf(execution, 'fetch')).toMatchObject({
      status: 'failed',
      attempts: 1,
      maxAttempts: 3,
      error: { code: 'http_error', status: 404 },
    });
    expect(stepOf(execution, 'fetch').attemptLog).toHaveLength(1);
  });

  it('fails a step whose expression is broken without retrying it', async () => {
    const graph = httpGraph(`${server.url}/users/{{ trigger.body.userId ++ }}`, FAST_RETRY);
    const { executionId } = await svc.trigger({
      ownerId: user.userId,
      graph,
      payload: { body: { userId: 1 } },
    });
    const execution = await svc.waitForExecution(executionId, user.token);
    expect(execution.status).toBe('failed');
    expect(stepOf(execution, 'fetch')).toMatchObject({
      attempts: 1,
      error: { code: 'expression_error' },
    });
    expect(stepOf(execution, 'fetch').input).toMatchObject({
      url: `${server.url}/users/{{ trigger.body.userId ++ }}`,
    });
  });

  it('refuses loopback addresses unless the operator allows them', async () => {
    const strict = await startExecutionService('execution_ssrf', { HTTP_ALLOW_LOOPBACK: 'false' });
    try {
      const owner = await strict.userToken();
      const { executionId } = await strict.trigger({
        ownerId: owner.userId,
        graph: httpGraph(`${server.url}/users/42`, FAST_RETRY),
      });
      const execution = await strict.waitForExecution(executionId, owner.token);
      expect(execution.status).toBe('failed');
      expect(stepOf(execution, 'fetch')).toMatchObject({
        attempts: 1,
        error: { message: expect.stringMatching(/loopback|refused|not allowed/i) },
      });
      expect(server.requests.filter((r) => r.url === '/users/42')).toHaveLength(1); // only the first test's call
    } finally {
      await strict.close();
    }
  });

  it('fails an execution whose graph cannot run (a cycle) at once, with the reason', async () => {
    const graph = {
      nodes: [
        { id: 'start', type: 'manual', position: { x: 0, y: 0 }, config: {} },
        { id: 'a', type: 'transform', position: { x: 0, y: 0 }, config: { expression: '{{ 1 }}' } },
        { id: 'b', type: 'transform', position: { x: 0, y: 0 }, config: { expression: '{{ 2 }}' } },
      ],
      edges: [
        { id: 'e1', source: 'start', sourceHandle: 'main', target: 'a' },
        { id: 'e2', source: 'a', sourceHandle: 'main', target: 'b' },
        { id: 'e3', source: 'b', sourceHandle: 'main', target: 'a' },
      ],
    };
    const { executionId } = await svc.trigger({ ownerId: user.userId, graph, mode: 'manual' });
    const execution = await svc.waitForExecution(executionId, user.token);
    expect(execution).toMatchObject({
      status: 'failed',
      error: { message: expect.stringContaining('cycle') },
    });
    expect(Object.fromEntries(execution.steps.map((s: Json) => [s.nodeId, s.status]))).toEqual({
      start: 'succeeded',
      a: 'skipped',
      b: 'skipped',
    });
    const events = await waitFor(async () => {
      const found = await svc.outboxOf(executionId);
      return found.length >= 2 ? found : undefined;
    });
    expect(events.map((e) => e.type)).toEqual(['execution.started', 'execution.failed']);
  });

  it('creates one execution for a duplicate triggered event or a repeated idempotency key', async () => {
    const workflowId = randomUUID();
    const graph = fullGraph();
    const payload = { body: { userId: 42 } };
    const { first } = await expectOneExecutionPerKey(svc, user, {
      ownerId: user.userId,
      graph,
      payload,
      workflowId,
      idempotencyKey: 'key-1',
    });
    const started = (await svc.outboxOf(first.executionId)).filter(
      (e) => e.type === 'execution.started',
    );
    expect(started).toHaveLength(1);
  });

  it('resumes a delay step after its time and runs what follows', async () => {
    const graph = {
      nodes: [
        { id: 'start', type: 'manual', position: { x: 0, y: 0 }, config: {} },
        { id: 'pause', type: 'delay', position: { x: 0, y: 0 }, config: { ms: 400 } },
        {
          id: 'after',
          type: 'transform',
          position: { x: 0, y: 0 },
          config: { expression: '{{ "done" }}' },
        },
      ],
      edges: [
        { id: 'a', source: 'start', sourceHandle: 'main', target: 'pause' },
        { id: 'b', source: 'pause', sourceHandle: 'main', target: 'after' },
      ],
    };
    const { executionId } = await svc.trigger({ ownerId: user.userId, graph, mode: 'manual' });
    const waiting = await svc.waitForExecution(
      executionId,
      user.token,
      (e) => stepOf(e, 'pause').status === 'waiting',
    );
    expect(stepOf(waiting, 'after').status).toBe('pending');
    const execution = await svc.waitForExecution(executionId, user.token);
    expect(execution.status).toBe('succeeded');
    expect(stepOf(execution, 'pause').output).toEqual({ resumedAt: expect.any(String) });
    expect(
      new Date(stepOf(execution, 'pause').finishedAt).getTime() -
        new Date(stepOf(execution, 'pause').startedAt).getTime(),
    ).toBeGreaterThanOrEqual(350);
    expect(stepOf(execution, 'after').output).toBe('done');
  });

  it('exposes step durations, execution counts and the queue depth on the executor metrics endpoint', async () => {
    const once = await startTestServer((_req, n) =>
      n === 1 ? { status: 500 } : { status: 200, body: {} },
    );
    try {
      const { executionId } = await svc.trigger({
        ownerId: user.userId,
        graph: httpGraph(`${once.url}/m`, FAST_RETRY),
      });
      expect((await svc.waitForExecution(executionId, user.token)).status).toBe('succeeded');
    } finally {
      await once.close();
    }
    const res = await fetch(`${svc.metricsUrls[0]}/metrics`);
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toMatch(
      /execution_step_duration_seconds_count\{[^}]*type="http_request"[^}]*outcome="succeeded"[^}]*\} [1-9]/,
    );
    expect(text).toMatch(
      /execution_step_duration_seconds_count\{[^}]*type="http_request"[^}]*outcome="retrying"[^}]*\} [1-9]/,
    );
    expect(text).toMatch(/executions_total\{[^}]*status="succeeded"[^}]*\} [1-9]/);
    expect(text).toMatch(/execution_steps_queue_depth\{[^}]*state="waiting"[^}]*\} 0/);
    expect(text).toContain('execution_steps_oldest_waiting_seconds');
  });

  it("writes each step's log lines with the triggering event's correlation id", async () => {
    const lines: Json[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const logger = pino(
      {
        // A succeeding run's step lines are debug (hot path); this test reads them.
        level: 'debug',
        mixin: () => (currentCorrelationId() ? { correlationId: currentCorrelationId() } : {}),
      },
      sink,
    );
    const extra = await svc.startExecutor({}, logger);
    const others = svc.executors.filter((e) => e !== extra);
    for (const e of others) await e.stop();
    svc.executors.splice(0, svc.executors.length, extra);
    const correlationId = `corr-${randomUUID()}`;
    const { executionId } = await svc.trigger({
      ownerId: user.userId,
      graph: fullGraph(),
      payload: { body: { userId: 42 } },
      correlationId,
    });
    await svc.waitForExecution(executionId, user.token);
    const stepLines = lines.filter((l) => l.executionId === executionId && /^step /.test(l.msg));
    expect(stepLines.map((l) => l.nodeId)).toEqual(
      expect.arrayContaining(['fetch', 'shape', 'check', 'respond']),
    );
    expect(stepLines.every((l) => l.correlationId === correlationId)).toBe(true);
  });
});
