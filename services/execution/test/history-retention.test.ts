import { sql } from 'kysely';
import { slowGraph, startExecutionService, type TestExecution } from './support';

jest.setTimeout(30_000);

/** EXECUTIONS_RETENTION_DAYS: finished executions deleted once past it, with their steps. */
describe('the history retention', () => {
  let svc: TestExecution;
  let user: { userId: string; token: string };

  beforeAll(async () => {
    svc = await startExecutionService('history_retention', { EXECUTIONS_RETENTION_DAYS: '30' });
    user = await svc.userToken();
  });
  afterAll(() => svc?.close());

  const stepsOf = async (executionId: string) =>
    Number(
      (
        await sql<{ n: number }>`select count(*)::int as n from steps
          where execution_id = ${executionId}`.execute(svc.db)
      ).rows[0].n,
    );

  it('deletes finished executions past EXECUTIONS_RETENTION_DAYS with their steps, and keeps the rest', async () => {
    // Prepare: two finished runs, one of them ended 31 days ago; a run still going that began then
    const old = await svc.trigger({ ownerId: user.userId, graph: slowGraph(1) });
    const recent = await svc.trigger({ ownerId: user.userId, graph: slowGraph(1) });
    const going = await svc.trigger({ ownerId: user.userId, graph: slowGraph(60_000) });
    await svc.waitForExecution(old.executionId, user.token);
    await svc.waitForExecution(recent.executionId, user.token);
    await svc.waitForExecution(going.executionId, user.token, (e) => e.status === 'running');
    expect(await stepsOf(old.executionId)).toBeGreaterThan(0);
    await sql`update executions set finished_at = now() - interval '31 days',
      created_at = now() - interval '31 days' where id = ${old.executionId}`.execute(svc.db);
    await sql`update executions set created_at = now() - interval '31 days'
      where id = ${going.executionId}`.execute(svc.db);

    // Act
    const pruned = await svc.historyRetention!.prune();

    // Assess: the old run and its steps are gone; the recent and the unfinished ones stay
    expect(pruned).toEqual({ executions: 1 });
    expect((await svc.call('GET', `/executions/${old.executionId}`, user)).status).toBe(404);
    expect(await stepsOf(old.executionId)).toBe(0);
    expect((await svc.call('GET', `/executions/${recent.executionId}`, user)).status).toBe(200);
    const stillGoing = await svc.call('GET', `/executions/${going.executionId}`, user);
    expect(stillGoing.body.status).toBe('running');
  });
});
