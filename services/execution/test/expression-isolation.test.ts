import type { WorkflowGraph } from '@flowgenie/contracts';
import {
  startExecutionService,
  startTestServer,
  stepOf,
  watchHealth,
  type Json,
  type TestExecution,
} from './support';

jest.setTimeout(60_000);

/** webhook → transform(expression) */
const transformGraph = (expression: string): WorkflowGraph => ({
  nodes: [
    { id: 'hook', type: 'webhook', position: { x: 0, y: 0 }, config: {} },
    {
      id: 'calc',
      type: 'transform',
      position: { x: 200, y: 0 },
      config: { expression: `{{ ${expression} }}` },
    },
  ],
  edges: [{ id: 'e1', source: 'hook', sourceHandle: 'main', target: 'calc' }],
});

describe('hostile expressions against the executor', () => {
  let svc: TestExecution;
  let user: { userId: string; token: string };

  beforeAll(async () => {
    svc = await startExecutionService('execution_isolation', { EXPRESSION_TIMEOUT_MS: '500' });
    user = await svc.userToken();
  });
  afterAll(() => svc?.close());

  it.each([
    ['a catastrophic regular expression', '$match($pad("",40,"a") & "!", /(a|a)*$/)'],
    ['distinct over a million numbers', '$count($distinct([1..1000000]))'],
    ['a string of 100 million characters', '$length($pad("",100000000,"x"))'],
    ['unbounded recursion', '($f := function($n){ $n + $f($n + 1) }; $f(0))'],
    ['a five-million-item array turned to text', '$length($string([1..5000000]))'],
  ])(
    'stops %s at its limit, fails the step for good, and keeps serving',
    async (_name, expression) => {
      const stopWatching = watchHealth(svc.metricsUrls[0]);
      let health = { slowestMs: 0, failures: [] as string[] };
      const started = Date.now();
      try {
        const { executionId } = await svc.trigger({
          ownerId: user.userId,
          graph: transformGraph(expression),
        });
        const failed = await svc.waitForExecution(
          executionId,
          user.token,
          (e) => e.status === 'failed',
          20_000,
        );
        const elapsed = Date.now() - started;
        const step = stepOf(failed, 'calc');
        expect(step).toMatchObject({
          status: 'failed',
          attempts: 1,
          error: { code: 'expression_error' },
        });
        expect(step.error.message).toMatch(/time limit|memory|depth|sequence|more than/);
        // The limit (500 ms) plus the isolate's grace, far below what the expression would take inline.
        expect(elapsed).toBeLessThan(10_000);
      } finally {
        health = await stopWatching();
      }
      expect(health.failures).toEqual([]);
      // A blocked event loop would stall these for the whole expression (seconds to forever).
      expect(health.slowestMs).toBeLessThan(2_000);

      // A normal workflow right afterwards runs at once (about a second here; the bound leaves room for a loaded CI box).
      const normalStarted = Date.now();
      const { executionId } = await svc.trigger({
        ownerId: user.userId,
        graph: transformGraph('{ "total": 7 + 5 }'),
        payload: {},
      });
      const ok = await svc.waitForExecution(
        executionId,
        user.token,
        (e) => e.status === 'succeeded',
        5_000,
      );
      expect(stepOf(ok, 'calc').output).toEqual({ total: 12 });
      expect(Date.now() - normalStarted).toBeLessThan(5_000);
    },
  );

  it('lets expressions read the execution id and the step id', async () => {
    const { executionId } = await svc.trigger({
      ownerId: user.userId,
      graph: transformGraph('{ "run": execution.id, "step": execution.stepId }'),
    });
    const done = await svc.waitForExecution(
      executionId,
      user.token,
      (e) => e.status === 'succeeded',
    );
    expect(stepOf(done, 'calc').output).toEqual({ run: executionId, step: 'calc' });
  });
});

describe('idempotency keys on HTTP steps', () => {
  let svc: TestExecution;
  let user: { userId: string; token: string };
  let server: Awaited<ReturnType<typeof startTestServer>>;

  beforeAll(async () => {
    svc = await startExecutionService('execution_idempotency');
    user = await svc.userToken();
    server = await startTestServer((_req, n) =>
      n === 1 ? { status: 503, body: { busy: true } } : { status: 200, body: { ok: true } },
    );
  });
  afterAll(async () => {
    await svc?.close();
    await server?.close();
  });

  const graphWith = (config: Json): WorkflowGraph => ({
    nodes: [
      { id: 'hook', type: 'webhook', position: { x: 0, y: 0 }, config: {} },
      {
        id: 'charge',
        type: 'http_request',
        position: { x: 200, y: 0 },
        config,
        retry: { attempts: 3, backoff: { type: 'fixed', delayMs: 20 } },
      },
    ],
    edges: [{ id: 'e1', source: 'hook', sourceHandle: 'main', target: 'charge' }],
  });

  it('sends the same Idempotency-Key on every attempt of a POST, and expressions can build on the execution id', async () => {
    server.requests.length = 0;
    const { executionId } = await svc.trigger({
      ownerId: user.userId,
      graph: graphWith({
        method: 'POST',
        url: `${server.url}/charges`,
        body: { reference: 'order-{{ execution.id }}' },
      }),
    });
    const done = await svc.waitForExecution(
      executionId,
      user.token,
      (e) => e.status === 'succeeded',
    );
    expect(stepOf(done, 'charge').attempts).toBe(2);
    expect(server.requests.map((r) => r.headers['idempotency-key'])).toEqual([
      `${executionId}:charge`,
      `${executionId}:charge`,
    ]);
    expect(JSON.parse(server.requests[0].body)).toEqual({ reference: `order-${executionId}` });
  });

  it('honours a custom header name and key, and sends none when the header is emptied or the method is GET', async () => {
    server.setHandler(() => ({ status: 200, body: { ok: true } }));
    server.requests.length = 0;
    const custom = await svc.trigger({
      ownerId: user.userId,
      graph: graphWith({
        method: 'PUT',
        url: `${server.url}/a`,
        idempotencyHeader: 'X-Request-Id',
        idempotencyKey: 'fixed-{{ execution.stepId }}',
      }),
    });
    await svc.waitForExecution(custom.executionId, user.token, (e) => e.status === 'succeeded');
    const off = await svc.trigger({
      ownerId: user.userId,
      graph: graphWith({ method: 'POST', url: `${server.url}/b`, idempotencyHeader: '' }),
    });
    await svc.waitForExecution(off.executionId, user.token, (e) => e.status === 'succeeded');
    const read = await svc.trigger({
      ownerId: user.userId,
      graph: graphWith({ method: 'GET', url: `${server.url}/c` }),
    });
    await svc.waitForExecution(read.executionId, user.token, (e) => e.status === 'succeeded');

    const byPath = Object.fromEntries(server.requests.map((r) => [r.url, r.headers]));
    expect(byPath['/a']).toMatchObject({ 'x-request-id': 'fixed-charge' });
    expect(byPath['/a']['idempotency-key']).toBeUndefined();
    expect(byPath['/b']['idempotency-key']).toBeUndefined();
    expect(byPath['/c']['idempotency-key']).toBeUndefined();
  });
});
