import IORedis from 'ioredis';
import pg from 'pg';
import { hotPathGraph, startExecutionService, type TestExecution } from './support';

jest.setTimeout(120_000);

const hotPath = hotPathGraph();

let svc: TestExecution;
beforeAll(async () => {
  // The relays' fallback poll (one a second) would add a time-dependent count: NOTIFY only.
  svc = await startExecutionService('execution_round_trips', { OUTBOX_POLL_MS: '600000' });
});
afterAll(() => svc?.close());

/**
 * The cost that decides throughput is the number of round trips to Postgres and Redis per
 * execution (the profiles' largest item is socket writes). Counted here over the execution
 * service and the executor, which run in this process: consuming workflow.triggered, the steps,
 * the outbox relay. Postgres: ~74 before the in-memory chains (one job and two transactions per
 * step), ~31 before execution.* events stopped being written for no consumer, 6 before a chain
 * unchanged since read was recorded in one statement, 3 before the start handed its rows to the
 * executor of the same process, 2 before the executor of the same process ran a first in-memory
 * chain before the start was written, 1 now (the start with the chain's results). Redis (commands this process sends, a BullMQ script counting as one): 16, of which 4 are a worker's
 * blocking wait for its next job, whose number depends on timing, hence the margin.
 */
it('runs the hot path in 1 Postgres and 20 Redis round trips per execution, recording every step', async () => {
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
  let commands = 0;
  const query = pg.Client.prototype.query;
  const counting = function (this: pg.Client, ...args: unknown[]) {
    queries += 1;
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  };
  const redisProto = IORedis.prototype as unknown as { sendCommand: (...a: unknown[]) => unknown };
  const sendCommand = redisProto.sendCommand;
  redisProto.sendCommand = function (this: unknown, ...args: unknown[]) {
    commands += 1;
    return sendCommand.apply(this, args);
  };
  (pg.Client.prototype as unknown as { query: unknown }).query = counting;
  const executions = 10;
  const ids: string[] = [];
  try {
    for (let i = 0; i < executions; i += 1) ids.push(await run());
  } finally {
    pg.Client.prototype.query = query;
    redisProto.sendCommand = sendCommand;
  }

  expect(queries / executions).toBeLessThanOrEqual(1);
  expect(commands / executions).toBeLessThanOrEqual(20);
  // No consumer is routed to execution.* events, so none is written (EXECUTION_EVENTS=routed).
  expect(await svc.db.selectFrom('outbox').select('type').execute()).toEqual([]);
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
