import pg from 'pg';
import { hotPathGraph, startExecutionService, type TestExecution } from './support';

jest.setTimeout(120_000);

const hotPath = hotPathGraph();

let svc: TestExecution;
beforeAll(async () => {
  svc = await startExecutionService('execution_round_trips');
});
afterAll(() => svc?.close());

/**
 * The cost that decides throughput is the number of round trips to Postgres per execution (the
 * profiles' largest item is socket writes). Counted here over the execution service and the
 * executor, which run in this process: consuming workflow.triggered, the steps, the outbox relay.
 * Before the in-memory chains it was ~74 (one job and two transactions per step).
 */
it('runs the hot path in at most 40 Postgres round trips per execution, recording every step', async () => {
  const user = await svc.userToken();
  const run = async () => {
    const { executionId } = await svc.trigger({
      ownerId: user.userId,
      graph: hotPath,
      payload: { body: { a: 7, b: 8 } },
    });
    // Waits on the published answer (Redis), so the count holds no API reads.
    while (!svc.responses.some((m) => m.executionId === executionId && m.kind === 'final'))
      await new Promise((r) => setTimeout(r, 5));
    return executionId;
  };
  await run(); // warm: expression isolates, compiled expressions, pools

  let queries = 0;
  const query = pg.Client.prototype.query;
  const counting = function (this: pg.Client, ...args: unknown[]) {
    queries += 1;
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  };
  (pg.Client.prototype as unknown as { query: unknown }).query = counting;
  const executions = 10;
  const ids: string[] = [];
  try {
    for (let i = 0; i < executions; i += 1) ids.push(await run());
  } finally {
    pg.Client.prototype.query = query;
  }

  expect(queries / executions).toBeLessThanOrEqual(40);
  const last = await svc.waitForExecution(ids[ids.length - 1], user.token);
  expect(last.status).toBe('succeeded');
  expect(
    last.steps.map((s: { nodeId: string; status: string; attempts: number }) => [
      s.nodeId,
      s.status,
      s.attempts,
    ]),
  ).toEqual([
    ['hook', 'succeeded', 1],
    ['sum', 'succeeded', 1],
    ['check', 'succeeded', 1],
    ['respond', 'succeeded', 1],
  ]);
  expect(last.steps[1]).toMatchObject({ input: expect.anything(), output: { total: 15 } });
  expect(last.steps[3].attemptLog).toEqual([
    { attempt: 1, startedAt: expect.any(String), finishedAt: expect.any(String) },
  ]);
  expect(svc.responses.filter((m) => m.executionId === last.id)).toEqual([
    expect.objectContaining({ kind: 'respond', status: 200, body: { total: 15 } }),
    expect.objectContaining({ kind: 'final', status: 'succeeded' }),
  ]);
});
