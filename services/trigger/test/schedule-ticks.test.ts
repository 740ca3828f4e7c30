import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { parseEvent } from '@flowgenie/messaging';
import { KyselyFiringStore } from '../src/adapters/persistence/firing.store';
import type { TriggerDb } from '../src/adapters/persistence/tables';
import { FireSchedule } from '../src/app/fire-schedule';
import { noMetrics } from '../src/app/fakes.test-support';
import { scheduleFiringKey } from '../src/domain/idempotency';
import type { FiringStore } from '../src/ports/firing-store';
import { graphWith, silentLogger, TriggerHarness, type TriggeredEvent } from './support';

const ONCE_A_YEAR = '0 0 1 1 *';
const NOW = new Date('2030-06-01T12:00:00.250Z');

// Real Postgres and Redis: suite start-up takes seconds under a loaded CI.
jest.setTimeout(30_000);

/**
 * Schedule ticks fired in the database (`KyselyFiringStore.fireScheduleTicks`) against the same
 * ticks fired the general way (each firing built by FireSchedule from its trigger row).
 */
describe('schedule ticks fired in the database', () => {
  let h: TriggerHarness;
  let db: Kysely<TriggerDb>;
  let store: KyselyFiringStore;

  beforeAll(async () => {
    h = await TriggerHarness.start({ PAYLOAD_INLINE_MAX_BYTES: '4096' });
    db = h.service.db as unknown as Kysely<TriggerDb>;
    store = new KyselyFiringStore(db);
  });
  afterAll(() => h.close());

  /** FireSchedule over `firings`, at a fixed time. */
  const fireSchedule = (firings: FiringStore) =>
    new FireSchedule({
      firings,
      metrics: noMetrics,
      logger: silentLogger,
      newId: randomUUID,
      now: () => NOW,
    });
  /** The same store without its database path: every tick is built in the service. */
  const generalOnly = (): FiringStore => ({
    record: (f) => store.record(f),
    recordForTrigger: (by, build) => store.recordForTrigger(by, build),
    recordForTriggers: (ids, build) => store.recordForTriggers(ids, build),
  });
  const scheduleWorkflow = (timezone = 'Europe/Paris') =>
    h.activate({
      graph: graphWith({ type: 'schedule', id: 'tick', config: { cron: ONCE_A_YEAR, timezone } }),
    });
  const eventsOf = async (workflowId: string) =>
    (await h.outboxOf(workflowId)).map((r) => r.envelope as TriggeredEvent);
  const plannedAt = (year: number) => new Date(Date.UTC(year, 0, 1));

  it('keeps what a tick needs with the row when a schedule is activated', async () => {
    // Act
    const wf = await scheduleWorkflow('Asia/Kolkata');
    const hook = await h.activate({ graph: graphWith({ type: 'webhook' }) });

    // Assess: the schedule's node and time zone, and each graph's size as JSON
    const rows = await db
      .selectFrom('triggers')
      .select(['workflow_id', 'schedule_firing', 'graph_bytes', 'graph'])
      .where('workflow_id', 'in', [wf.workflowId, hook.workflowId])
      .execute();
    const byId = new Map(rows.map((r) => [r.workflow_id, r]));
    expect(byId.get(wf.workflowId)?.schedule_firing).toEqual({
      triggerNodeId: 'tick',
      timezone: 'Asia/Kolkata',
    });
    expect(byId.get(hook.workflowId)?.schedule_firing).toBeNull();
    for (const r of rows) expect(r.graph_bytes).toBe(Buffer.byteLength(JSON.stringify(r.graph)));
  });

  it('records the same firing and event as the service builds, each with its own ids', async () => {
    // Prepare
    const wf = await scheduleWorkflow();
    const inDatabase = plannedAt(2031);
    const inService = plannedAt(2032);

    // Act: one tick each way
    expect(
      await fireSchedule(store).executeMany([
        { workflowId: wf.workflowId, scheduledAt: inDatabase },
      ]),
    ).toEqual(['fired']);
    expect(
      await fireSchedule(generalOnly()).executeMany([
        { workflowId: wf.workflowId, scheduledAt: inService },
      ]),
    ).toEqual(['fired']);

    // Assess: valid events, equal but for what differs by tick and by event
    const events = await eventsOf(wf.workflowId);
    expect(events).toHaveLength(2);
    const built = events.find((e) => e.data.idempotencyKey.endsWith(inDatabase.toISOString()))!;
    const general = events.find((e) => e.data.idempotencyKey.endsWith(inService.toISOString()))!;
    expect(() => parseEvent(built)).not.toThrow();
    expect(built).toEqual({
      ...general,
      id: built.id,
      correlationId: built.correlationId,
      time: built.time,
      data: {
        ...general.data,
        executionId: built.data.executionId,
        idempotencyKey: scheduleFiringKey(wf.workflowId, 1, inDatabase),
        payload: { scheduledAt: inDatabase.toISOString(), timezone: 'Europe/Paris' },
      },
    });
    expect(built.data.triggeredAt).toBe(NOW.toISOString());
    // The event's own time is when it was built, as for every event
    expect(Math.abs(Date.parse(built.time) - Date.parse(general.time))).toBeLessThan(10_000);
    expect(new Set([built.id, general.id, built.correlationId, general.correlationId]).size).toBe(
      4,
    );
    const firings = await h.firingsOf(wf.workflowId);
    expect(firings.map((f) => f.execution_id).sort()).toEqual(
      [built.data.executionId, general.data.executionId].sort(),
    );
  });

  it('fires only active schedules it can build, once per key, and leaves the rest to the service', async () => {
    // Prepare: one of each case
    const fresh = await scheduleWorkflow();
    const inactive = await scheduleWorkflow();
    await h.deactivate(inactive);
    const webhook = await h.activate({ graph: graphWith({ type: 'webhook' }) });
    const before = await scheduleWorkflow();
    await sql`update trigger.triggers set schedule_firing = null where workflow_id = ${before.workflowId}`.execute(
      db,
    );
    const bigGraph = graphWith({
      type: 'schedule',
      config: { cron: ONCE_A_YEAR, timezone: 'UTC' },
    });
    bigGraph.nodes[1].config = { expression: `{{ { "note": "${'n'.repeat(8_000)}" } }}` };
    const big = await h.activate({ graph: bigGraph });
    const at = plannedAt(2033);
    const tick = (workflowId: string) => ({
      workflowId,
      scheduledAt: at,
      executionId: randomUUID(),
    });

    // Act
    const outcomes = await store.fireScheduleTicks(
      [
        tick(fresh.workflowId),
        tick(fresh.workflowId),
        tick(inactive.workflowId),
        tick(webhook.workflowId),
        tick(randomUUID()),
        tick(before.workflowId),
        tick(big.workflowId),
      ],
      { triggeredAt: NOW, inlineMaxBytes: 4096 },
    );

    // Assess: one firing for the repeated tick, nothing for the others
    expect(outcomes).toEqual([
      'fired',
      'duplicate',
      'skipped',
      'skipped',
      'skipped',
      'undecided',
      'undecided',
    ]);
    expect(await eventsOf(fresh.workflowId)).toHaveLength(1);
    for (const wf of [inactive, webhook, before, big])
      expect(await h.firingsOf(wf.workflowId)).toEqual([]);

    // Act: the same ticks through FireSchedule, which fires the undecided ones itself (a graph
    // above the limit by reference: schedules.test.ts)
    const again = await fireSchedule(store).executeMany(
      [fresh, inactive, before].map((wf) => ({ workflowId: wf.workflowId, scheduledAt: at })),
    );

    // Assess: the row from before the basis was kept fires from its graph
    expect(again).toEqual(['duplicate', 'skipped', 'fired']);
    const [beforeEvent] = await eventsOf(before.workflowId);
    expect(beforeEvent.data).toMatchObject({
      triggerNodeId: 'tick',
      idempotencyKey: scheduleFiringKey(before.workflowId, 1, at),
      payload: { scheduledAt: at.toISOString(), timezone: 'Europe/Paris' },
    });
  });
});
