import { startTcpProxy, TEST_REDIS_URL, waitFor, type TcpProxy } from '@flowgenie/testing';
import {
  httpGraph,
  spawnExecutor,
  startExecutionService,
  startTestServer,
  type SpawnedExecutor,
  type TestExecution,
} from './support';

jest.setTimeout(90_000);

/**
 * The execution API (in this process) and an executor (a process of its own) reach Postgres and
 * Redis through proxies this suite cuts and heals: both keep running, the API answers 503 with
 * Retry-After meanwhile, and workflows run again afterwards.
 */
describe('the execution service and the executor during a database and Redis outage', () => {
  let pgProxy: TcpProxy;
  let redisProxy: TcpProxy;
  let svc: TestExecution;
  let executor: SpawnedExecutor | undefined;
  let server: Awaited<ReturnType<typeof startTestServer>>;

  beforeAll(async () => {
    pgProxy = await startTcpProxy({ port: 5432 });
    redisProxy = await startTcpProxy({ port: Number(new URL(TEST_REDIS_URL).port) });
    // A reaper pass every 50 ms keeps the executor's pool busy, so the cut finds clients in use.
    svc = await startExecutionService(
      'execution_outage',
      { REAPER_INTERVAL_MS: '50', REAPER_STALE_MS: '60000' },
      { executor: false, through: { db: pgProxy, redis: redisProxy } },
    );
    server = await startTestServer(() => ({ status: 200, body: { ok: true } }));
  });

  afterAll(async () => {
    pgProxy?.heal();
    redisProxy?.heal();
    if (executor && executor.child.exitCode === null) {
      executor.child.kill('SIGTERM');
      await new Promise((r) => executor!.child.once('exit', r));
    }
    await server?.close();
    await svc?.close();
    await pgProxy?.close();
    await redisProxy?.close();
  });

  it('keeps both processes up, answers 503 + Retry-After while cut, and runs workflows after healing', async () => {
    const user = await svc.userToken();
    executor = await spawnExecutor(svc.env);
    const first = await svc.trigger({
      ownerId: user.userId,
      graph: httpGraph(`${server.url}/before`),
    });
    expect(
      (await svc.waitForExecution(first.executionId, user.token, undefined, 30_000)).status,
    ).toBe('succeeded');

    pgProxy.cut();
    redisProxy.cut();
    const during = await svc.call('GET', '/executions', { token: user.token });
    expect(during.status).toBe(503);
    expect(during.body.error).toEqual({
      code: 'service_unavailable',
      message: expect.stringMatching(/unreachable/),
    });
    const headers = (
      await fetch(`${svc.url}/executions`, { headers: { authorization: `Bearer ${user.token}` } })
    ).headers;
    expect(headers.get('retry-after')).toBe('5');
    // The executor saw the outage (its reaper and Redis clients lost their connections) and lives on.
    await waitFor(
      () =>
        /database connection lost/.test(executor!.output()) &&
        /redis connection error/.test(executor!.output()),
      {
        timeoutMs: 15_000,
        message: 'the executor never noticed the outage',
      },
    );
    expect(executor.child.exitCode).toBeNull();
    expect(executor.output()).not.toMatch(/Unhandled 'error' event|uncaught/i);

    pgProxy.heal();
    redisProxy.heal();
    await waitFor(
      async () => (await svc.call('GET', '/executions', { token: user.token })).status === 200,
      {
        timeoutMs: 15_000,
        message: 'the API did not recover',
      },
    );
    const second = await svc.trigger({
      ownerId: user.userId,
      graph: httpGraph(`${server.url}/after`),
    });
    const execution = await svc.waitForExecution(second.executionId, user.token, undefined, 45_000);
    expect(execution.status).toBe('succeeded');
    expect(executor.child.exitCode).toBeNull();
  });

  it('runs a step whose job started while Postgres was cut once it is back, without waiting for the reaper', async () => {
    const user = await svc.userToken();
    executor ??= await spawnExecutor(svc.env);
    // hook → wait 2 s → done: the wait's resume job comes due while the database is cut.
    const { executionId } = await svc.trigger({
      ownerId: user.userId,
      graph: {
        nodes: [
          { id: 'hook', type: 'webhook', position: { x: 0, y: 0 }, config: {} },
          {
            id: 'wait',
            type: 'delay',
            position: { x: 200, y: 0 },
            config: { ms: 2000 },
            retry: { attempts: 1 },
          },
          {
            id: 'done',
            type: 'transform',
            position: { x: 400, y: 0 },
            config: { expression: '{{ { "ok": true } }}' },
          },
        ],
        edges: [
          { id: 'e1', source: 'hook', sourceHandle: 'main', target: 'wait' },
          { id: 'e2', source: 'wait', sourceHandle: 'main', target: 'done' },
        ],
      },
    });
    await svc.waitForExecution(executionId, user.token, (e) =>
      e.steps.some(
        (s: { nodeId: string; status: string }) => s.nodeId === 'wait' && s.status === 'waiting',
      ),
    );

    pgProxy.cut();
    await waitFor(() => /step job waits for the database or Redis/.test(executor!.output()), {
      timeoutMs: 20_000,
      message: 'the resume job never met the outage',
    });
    pgProxy.heal();

    // The reaper would take 60 s (REAPER_STALE_MS); the waiting job is back within seconds.
    const execution = await svc.waitForExecution(executionId, user.token, undefined, 20_000);
    expect(execution.status).toBe('succeeded');
    const wait = execution.steps.find((s: { nodeId: string }) => s.nodeId === 'wait');
    expect(wait.attempts).toBe(1);
    expect(execution.steps.find((s: { nodeId: string }) => s.nodeId === 'done').output).toEqual({
      ok: true,
    });
  });
});
