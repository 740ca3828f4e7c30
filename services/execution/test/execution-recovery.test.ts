import type { ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { waitFor } from '@flowgenie/testing';
import {
  httpGraph,
  spawnExecutor,
  startExecutionService,
  startTestServer,
  stepOf,
  type Json,
  type TestExecution,
} from './support';

jest.setTimeout(60_000);

const RETRY = { attempts: 2, backoff: { type: 'fixed', delayMs: 20 }, timeoutMs: 30_000 };

describe('recovering from lost workers and lost jobs', () => {
  let svc: TestExecution;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    // Short locks and stale times so take-overs happen within a test.
    svc = await startExecutionService(
      'execution_recovery',
      {
        STEP_LOCK_MS: '1000',
        STEP_STALLED_INTERVAL_MS: '500',
        REAPER_STALE_MS: '1500',
        REAPER_INTERVAL_MS: '200',
      },
      { executor: false },
    );
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await svc?.close();
  });

  it('finishes the execution when the worker running a step is killed mid-step, recording the interrupted attempt and resending with the same idempotency key', async () => {
    // Prepare: the first call hangs forever (the worker dies during it); later calls answer.
    const server = await startTestServer((_req, n) =>
      n === 1 ? 'hang' : { status: 200, body: { answeredBy: n } },
    );
    try {
      const user = await svc.userToken();
      child = (await spawnExecutor(svc.env)).child;
      const graph = httpGraph(
        `${server.url}/slow`,
        RETRY,
        {},
        { method: 'POST', body: { order: 1 } },
      );
      const { executionId } = await svc.trigger({ ownerId: user.userId, graph });
      await waitFor(() => server.requests.length === 1, {
        timeoutMs: 20_000,
        message: 'the first worker never called',
      });
      const running = await svc.waitForExecution(
        executionId,
        user.token,
        (e) => stepOf(e, 'fetch').status === 'running',
      );
      expect(stepOf(running, 'fetch').attempts).toBe(1);

      // Act: kill the worker process, start another one.
      child.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));
      await svc.startExecutor();

      // Assess
      const execution = await svc.waitForExecution(executionId, user.token, undefined, 20_000);
      expect(execution.status).toBe('succeeded');
      const step = stepOf(execution, 'fetch');
      expect(step).toMatchObject({
        status: 'succeeded',
        attempts: 2,
        output: { status: 200, body: { answeredBy: 2 } },
      });
      expect(step.attemptLog.map((a: Json) => a.attempt)).toEqual([1, 2]);
      expect(step.attemptLog[0].error).toMatch(/interrupted/);
      expect(server.requests).toHaveLength(2);
      // The API on the other end can tell the resend is the same request.
      const keys = server.requests.map((r) => r.headers['idempotency-key']);
      expect(keys).toEqual([`${executionId}:fetch`, `${executionId}:fetch`]);
    } finally {
      await server.close();
      for (const executor of svc.executors.splice(0)) await executor.stop();
    }
  });

  /** Starts a spawned executor, waits for the first request to reach `server`, kills it, starts another. */
  async function killDuringFirstRequest(server: { requests: unknown[] }) {
    child = (await spawnExecutor(svc.env)).child;
    return async () => {
      await waitFor(() => server.requests.length === 1, {
        timeoutMs: 20_000,
        message: 'the first worker never called',
      });
      const exited = new Promise((r) => child!.once('exit', r));
      child!.kill('SIGKILL');
      await exited;
      await svc.startExecutor();
    };
  }

  it('counts the interrupted attempt against the retry policy: no more sends than it allows', async () => {
    // Two attempts allowed: the first is cut short by the crash, the second gets a 500.
    const server = await startTestServer((_req, n) =>
      n === 1 ? 'hang' : n === 2 ? { status: 500, body: { error: 'down' } } : { status: 200 },
    );
    try {
      const user = await svc.userToken();
      const crash = await killDuringFirstRequest(server);
      const graph = httpGraph(`${server.url}/pay`, RETRY, {}, { method: 'POST', body: { n: 1 } });
      const { executionId } = await svc.trigger({ ownerId: user.userId, graph });
      await crash();

      const execution = await svc.waitForExecution(executionId, user.token, undefined, 20_000);
      expect(execution.status).toBe('failed');
      const step = stepOf(execution, 'fetch');
      expect(step).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'http_error' } });
      expect(step.attemptLog.map((a: Json) => a.attempt)).toEqual([1, 2]);
      expect(step.attemptLog[0].error).toMatch(/interrupted/);
      expect(server.requests).toHaveLength(2);
    } finally {
      await server.close();
      for (const executor of svc.executors.splice(0)) await executor.stop();
    }
  });

  it('does not send again when the interrupted attempt was the last one allowed', async () => {
    const server = await startTestServer(() => 'hang');
    try {
      const user = await svc.userToken();
      const crash = await killDuringFirstRequest(server);
      const graph = httpGraph(
        `${server.url}/charge`,
        { ...RETRY, attempts: 1 },
        {},
        { method: 'POST', body: { amount: 10 } },
      );
      const { executionId } = await svc.trigger({ ownerId: user.userId, graph });
      await crash();

      const execution = await svc.waitForExecution(executionId, user.token, undefined, 20_000);
      expect(execution.status).toBe('failed');
      expect(stepOf(execution, 'fetch')).toMatchObject({
        status: 'failed',
        attempts: 1,
        error: { code: 'worker_lost', message: 'the worker running the last attempt stopped' },
        attemptLog: [
          expect.objectContaining({ attempt: 1, error: expect.stringMatching(/interrupted/) }),
        ],
      });
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
      for (const executor of svc.executors.splice(0)) await executor.stop();
    }
  });

  it('re-drives an execution whose step job was lost after it was recorded as queued', async () => {
    const server = await startTestServer(() => ({ status: 200, body: { ok: true } }));
    const queue = new Queue('steps', { connection: svc.redis, prefix: svc.prefix });
    try {
      const user = await svc.userToken();
      // No executor runs: the job waits in the queue, and we lose it.
      const { executionId } = await svc.trigger({
        ownerId: user.userId,
        graph: httpGraph(`${server.url}/ok`, RETRY),
      });
      const queued = await svc.waitForExecution(
        executionId,
        user.token,
        (e) => stepOf(e, 'fetch')?.status === 'queued',
      );
      expect(queued.status).toBe('running');
      const [{ job_id: jobId }] = await svc.db
        .selectFrom('steps')
        .select('job_id')
        .where('execution_id', '=', executionId)
        .where('node_id', '=', 'fetch')
        .execute();
      expect(await queue.remove(jobId!)).toBe(1);

      await svc.startExecutor();

      const execution = await svc.waitForExecution(executionId, user.token, undefined, 20_000);
      expect(execution.status).toBe('succeeded');
      expect(stepOf(execution, 'fetch')).toMatchObject({ status: 'succeeded', attempts: 1 });
      const [row] = await svc.db
        .selectFrom('steps')
        .select('job_id')
        .where('execution_id', '=', executionId)
        .where('node_id', '=', 'fetch')
        .execute();
      expect(row.job_id).not.toBe(jobId);
    } finally {
      await queue.close();
      await server.close();
      for (const executor of svc.executors.splice(0)) await executor.stop();
    }
  });

  it('lets the steps in flight finish when an executor stops gracefully', async () => {
    const server = await startTestServer(() => ({ status: 200, body: { ok: true } }));
    try {
      const user = await svc.userToken();
      // fetch (HTTP) → after (transform: runs in memory, in fetch's job) → later (delay: a job of its own).
      const graph = httpGraph(`${server.url}/slow`, RETRY, {
        nodes: [
          {
            id: 'after',
            type: 'transform',
            position: { x: 0, y: 0 },
            config: { expression: '{{ steps.fetch.body.ok }}' },
          },
          { id: 'later', type: 'delay', position: { x: 0, y: 0 }, config: { ms: 0 } },
        ],
        edges: [
          { id: 'e2', source: 'fetch', sourceHandle: 'main', target: 'after' },
          { id: 'e3', source: 'after', sourceHandle: 'main', target: 'later' },
        ],
      });
      server.hold();
      const executor = await svc.startExecutor();
      const { executionId } = await svc.trigger({ ownerId: user.userId, graph });
      await waitFor(() => server.requests.length === 1);

      const stopping = executor.stop();
      setTimeout(() => server.release(), 300);
      await stopping;
      svc.executors.splice(0);

      // The step that was running when the stop began has its result stored, and so has the
      // in-memory step its job ran after it; the next job waits for an executor.
      const afterStop = (await svc.call('GET', `/executions/${executionId}`, { token: user.token }))
        .body;
      expect(stepOf(afterStop, 'fetch')).toMatchObject({
        status: 'succeeded',
        attempts: 1,
        output: { status: 200 },
      });
      expect(stepOf(afterStop, 'after')).toMatchObject({ status: 'succeeded', output: true });
      expect(stepOf(afterStop, 'later').status).toBe('queued');

      await svc.startExecutor();
      const execution = await svc.waitForExecution(executionId, user.token);
      expect(execution.status).toBe('succeeded');
      expect(stepOf(execution, 'later').output).toEqual({ resumedAt: expect.any(String) });
      expect(server.requests).toHaveLength(1);
    } finally {
      server.release();
      await server.close();
      for (const executor of svc.executors.splice(0)) await executor.stop();
    }
  });

  it('resumes a chain of in-memory steps cut short by a kill from the last recorded step, never re-sending the request before it', async () => {
    const server = await startTestServer(() => ({ status: 200, body: { n: 21 } }));
    // Long enough for the slow expression on a busy machine; the kill comes while it runs.
    const slowExpressions = { EXPRESSION_TIMEOUT_MS: '30000' };
    try {
      const user = await svc.userToken();
      const spawned = await spawnExecutor({ ...svc.env, ...slowExpressions });
      child = spawned.child;
      // fetch (HTTP) → slow (transform, seconds of work) → double (transform) → check (if).
      const graph = httpGraph(`${server.url}/n`, RETRY, {
        nodes: [
          {
            id: 'slow',
            type: 'transform',
            position: { x: 0, y: 0 },
            config: { expression: '{{ $count($distinct([1..30000])) + steps.fetch.body.n }}' },
          },
          {
            id: 'double',
            type: 'transform',
            position: { x: 0, y: 0 },
            config: { expression: '{{ steps.slow * 2 }}' },
          },
          {
            id: 'check',
            type: 'if',
            position: { x: 0, y: 0 },
            config: { condition: '{{ steps.double > 10 }}' },
          },
        ],
        edges: [
          { id: 'e2', source: 'fetch', sourceHandle: 'main', target: 'slow' },
          { id: 'e3', source: 'slow', sourceHandle: 'main', target: 'double' },
          { id: 'e4', source: 'double', sourceHandle: 'main', target: 'check' },
        ],
      });
      const { executionId } = await svc.trigger({ ownerId: user.userId, graph });
      // Kill as soon as the chain after the recorded request has started its slow step.
      await waitFor(
        () =>
          spawned
            .output()
            .split('\n')
            .some((l) => l.includes('"step started"') && l.includes('"nodeId":"slow"')),
        { timeoutMs: 20_000, message: 'the chain never started' },
      );
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGKILL');
      await exited;

      const cut = (await svc.call('GET', `/executions/${executionId}`, { token: user.token })).body;
      expect(stepOf(cut, 'fetch')).toMatchObject({ status: 'succeeded', attempts: 1 });
      expect(['slow', 'double', 'check'].map((id) => stepOf(cut, id).status)).toEqual([
        'queued',
        'pending',
        'pending',
      ]);

      await svc.startExecutor(slowExpressions);
      const execution = await svc.waitForExecution(executionId, user.token, undefined, 30_000);
      expect(execution.status).toBe('succeeded');
      expect(stepOf(execution, 'slow')).toMatchObject({
        status: 'succeeded',
        attempts: 1,
        output: 30_021,
      });
      // Nothing of the killed run was recorded: one attempt, its input and timing.
      expect(stepOf(execution, 'slow').attemptLog).toEqual([
        { attempt: 1, startedAt: expect.any(String), finishedAt: expect.any(String) },
      ]);
      expect(stepOf(execution, 'double')).toMatchObject({ status: 'succeeded', output: 60_042 });
      expect(stepOf(execution, 'check')).toMatchObject({ status: 'succeeded', handle: 'true' });
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
      for (const executor of svc.executors.splice(0)) await executor.stop();
    }
  });
});
