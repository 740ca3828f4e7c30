import type { ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import type { WorkflowGraph } from '@flowgenie/contracts';
import { waitFor } from '@flowgenie/testing';
import {
  spawnExecutor,
  startExecutionService,
  stepOf,
  watchHealth,
  type TestExecution,
} from './support';

jest.setTimeout(120_000);

const LIMIT_MS = 1000;
/** Retries allowed, to show that an expression stopped at its limit is never retried. */
const RETRY = { attempts: 3, backoff: { type: 'fixed' as const, delayMs: 20 } };

/** webhook → one step `run` of the given type and config. */
function graphOf(type: string, config: Record<string, unknown>): WorkflowGraph {
  return {
    nodes: [
      { id: 'hook', type: 'webhook', position: { x: 0, y: 0 }, config: {} },
      { id: 'run', type, position: { x: 200, y: 0 }, config, retry: RETRY },
    ],
    edges: [{ id: 'e1', source: 'hook', sourceHandle: 'main', target: 'run' }],
  };
}

/**
 * Expressions that froze the executor (or ran far past EXPRESSION_TIMEOUT_MS) on its main
 * thread, in each place one is evaluated: a transform's expression, `{{ }}` in a config field
 * (resolved as one batch per step) and an if's condition. The in-process suite
 * (expression-isolation.test.ts) covers more expressions; this one runs the executor as its own
 * process, as it runs in production, and probes its /healthz from outside.
 */
const HOSTILE: Array<[name: string, type: string, config: Record<string, unknown>]> = [
  [
    'a catastrophic regex in a transform',
    'transform',
    { expression: '{{ $match($pad("",40,"a") & "!", /(a|a)*$/) }}' },
  ],
  [
    '$string of a huge object in a URL template',
    'http_request',
    { url: 'https://example.com/{{ $string([1..1000000].{"k": $, "v": [$, $, $]}) }}' },
  ],
  [
    'a million huge strings in a condition',
    'if',
    { condition: '{{ $count([1..1000000].$pad("", 100000, "y")) > 0 }}' },
  ],
  [
    'a 100-million-character $pad in a response body',
    'respond_to_webhook',
    { body: { text: '{{ $pad("", 100000000, "x") }}' } },
  ],
];

describe('hostile expressions on an executor process', () => {
  let svc: TestExecution;
  let child: ChildProcess | undefined;
  let healthUrl: string;
  let queue: Queue;
  let user: { userId: string; token: string };

  /** Spawns the executor and finds the address of its /healthz in its log. */
  async function startProcess() {
    const executor = await spawnExecutor({
      ...svc.env,
      EXPRESSION_TIMEOUT_MS: String(LIMIT_MS),
      EXPRESSION_ISOLATES: '2',
    });
    child = executor.child;
    healthUrl = await waitFor(
      () => {
        const line = executor
          .output()
          .split('\n')
          .find((l) => l.includes('"msg":"listening"'));
        return line ? (JSON.parse(line).url as string) : undefined;
      },
      { timeoutMs: 10_000, message: 'the executor never said where it listens' },
    );
  }

  async function killProcess() {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  beforeAll(async () => {
    svc = await startExecutionService('execution_hostile_process', {}, { executor: false });
    await startProcess();
    queue = new Queue('steps', { connection: svc.redis, prefix: svc.prefix });
    user = await svc.userToken();
  });

  afterAll(async () => {
    await killProcess();
    await queue?.close();
    await svc?.close();
  });

  /** The queue job of an execution's `run` step. */
  async function runJobId(executionId: string): Promise<string> {
    const [row] = await svc.db
      .selectFrom('steps')
      .select('job_id')
      .where('execution_id', '=', executionId)
      .where('node_id', '=', 'run')
      .execute();
    return row.job_id!;
  }

  async function runWorkflow(type: string, config: Record<string, unknown>, body: unknown = {}) {
    const started = Date.now();
    const payload = { method: 'POST', headers: {}, query: {}, body };
    const graph = graphOf(type, config);
    const { executionId } = await svc.trigger({ ownerId: user.userId, graph, payload });
    const execution = await svc.waitForExecution(executionId, user.token, undefined, 20_000);
    return { execution, ms: Date.now() - started };
  }

  it.each(HOSTILE)(
    'stops %s at its limit, fails the step for good and keeps serving',
    async (_name, type, config) => {
      const stopWatching = watchHealth(healthUrl);
      const hostile = runWorkflow(type, config);
      // Someone else's workflow, started while the hostile step runs.
      const other = runWorkflow('transform', { expression: '{{ trigger.body.n * 2 }}' }, { n: 21 });
      const [{ execution }, { execution: neighbour }] = await Promise.all([hostile, other]);
      const health = await stopWatching();

      // The hostile step failed once, permanently, saying why.
      expect(execution.status).toBe('failed');
      const step = stepOf(execution, 'run');
      expect(step).toMatchObject({
        status: 'failed',
        attempts: 1,
        error: { code: 'expression_error' },
      });
      expect(step.error.message).toMatch(/timed out after 1000 ms|time limit|out of memory/);
      expect(step.durationMs).toBeLessThan(LIMIT_MS + 1500);
      const jobId = await runJobId(execution.id);
      expect(await queue.getJobState(jobId)).toBe('failed');

      // Meanwhile the executor answered its health checks and ran the other workflow. (Bounds
      // leave room for a loaded 2-core box; inline, /healthz did not answer at all.)
      expect(health.failures).toEqual([]);
      expect(health.slowestMs).toBeLessThan(1000);
      expect(neighbour.status).toBe('succeeded');
      expect(stepOf(neighbour, 'run').output).toBe(42);

      // And right after, a normal workflow runs at once.
      const after = await runWorkflow(
        'transform',
        { expression: '{{ {"sum": $sum(trigger.body.items)} }}' },
        { items: [1, 2, 3] },
      );
      expect(stepOf(after.execution, 'run').output).toEqual({ sum: 6 });
      expect(after.ms).toBeLessThan(2000);
    },
  );

  it('does not pick a stopped step up again after the executor restarts', async () => {
    const { execution } = await runWorkflow('transform', {
      expression: '{{ $count($distinct([1..1000000])) }}',
    });
    expect(stepOf(execution, 'run')).toMatchObject({ status: 'failed', attempts: 1 });
    // The step's job is failed in the queue too before the kill: a process killed between
    // recording the step and finishing its job leaves the job locked for STEP_LOCK_MS, which is
    // the stalled-job recovery's case, not this test's.
    const jobId = await runJobId(execution.id);
    await waitFor(async () => (await queue.getJobState(jobId)) === 'failed');

    await killProcess();
    await startProcess();
    // The restarted executor runs new work (so it has looked at the queue) …
    const { execution: fresh } = await runWorkflow('transform', { expression: '{{ 1 + 1 }}' });
    expect(fresh.status).toBe('succeeded');

    // … and leaves the failed step alone.
    await waitFor(async () => (await queue.getJobCounts('active')).active === 0);
    const again = (await svc.call('GET', `/executions/${execution.id}`, { token: user.token }))
      .body;
    expect(again.status).toBe('failed');
    expect(stepOf(again, 'run')).toMatchObject({
      status: 'failed',
      attempts: 1,
      attemptLog: [expect.objectContaining({ attempt: 1 })],
    });
  });
});
