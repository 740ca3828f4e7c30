import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { PlatformEvent } from '@flowgenie/contracts';
import { channelOf, type CommittedOutbox } from '@flowgenie/messaging/outbox';
import { runWithCorrelation } from '@flowgenie/platform';
import { statementCounter } from '@flowgenie/testing';
import { KyselyFiringStore } from '../src/adapters/persistence/firing.store';
import type { TriggerDb } from '../src/adapters/persistence/tables';
import { KyselyTriggerRepository } from '../src/adapters/persistence/trigger.repository';
import type { Trigger } from '../src/domain/trigger';
import type { Firing } from '../src/ports/firing-store';
import { graphWith, TriggerHarness, type TriggeredEvent } from './support';

// Real Postgres and Redis: suite start-up takes seconds under a loaded CI.
jest.setTimeout(30_000);

describe('webhook firings on an unchanged trigger row', () => {
  let h: TriggerHarness;
  let db: Kysely<TriggerDb>;

  beforeAll(async () => {
    h = await TriggerHarness.start();
    db = h.service.db as unknown as Kysely<TriggerDb>;
  });
  afterAll(() => h.close());

  const firingOf = (trigger: Trigger, key: string): Firing => ({
    executionId: randomUUID(),
    workflowId: trigger.workflowId,
    ownerId: trigger.ownerId,
    version: trigger.version,
    mode: 'webhook',
    triggerNodeId: 'start',
    idempotencyKey: `webhook:${trigger.workflowId}:${key}`,
    payload: { body: { key } },
    graph: trigger.graph,
    triggeredAt: new Date().toISOString(),
  });

  it('records a burst of calls in a few statements, each key once, and none on a row that changed', async () => {
    // Prepare: a webhook, read as the hook route reads it, and a store that counts statements
    const wf = await h.activate({ graph: graphWith({ type: 'webhook' }) });
    const trigger = (await new KyselyTriggerRepository(db).findByHookId(wf.hookId))!;
    const counter = statementCounter();
    const store = new KyselyFiringStore(db.withPlugin(counter));
    const keys = Array.from({ length: 20 }, (_, i) => `order-${i}`);

    // Act: 40 calls at once, each key twice and each in a request of its own, and one on a
    // version of the row that is gone
    const calls = [...keys, ...keys].map((key, i) => {
      const firing = firingOf(trigger, key);
      return runWithCorrelation(`request-${i}`, () =>
        store.recordIfUnchanged(trigger, firing).then((outcome) => ({ key, firing, outcome })),
      );
    });
    const stale = store.recordIfUnchanged({ ...trigger, revision: '1' }, firingOf(trigger, 'x'));
    const outcomes = await Promise.all(calls);

    // Assess: per key, one call fired and its twin saw the key (the caller then answers it with
    // the first execution); the stale read wrote nothing; few statements carried it all
    for (const key of keys) {
      const both = outcomes.filter((o) => o.key === key);
      const fired = both.filter((o) => typeof o.outcome === 'object');
      expect(fired).toEqual([
        expect.objectContaining({
          outcome: { executionId: fired[0]?.firing.executionId, duplicate: false },
        }),
      ]);
      expect(both.filter((o) => o.outcome === 'seen')).toHaveLength(1);
    }
    expect(await stale).toBeUndefined();
    expect(counter.count).toBeLessThanOrEqual(4);
    const firings = await h.firingsOf(wf.workflowId);
    expect(firings).toHaveLength(20);
    const events = (await h.outboxOf(wf.workflowId)).map((r) => r.envelope as TriggeredEvent);
    expect(events.map((e) => e.data.executionId).sort()).toEqual(
      firings.map((f) => f.execution_id).sort(),
    );
    // Each event carries its own request's correlation id, not the one that opened the batch
    for (const event of events) {
      const call = outcomes.findIndex((o) => o.firing.executionId === event.data.executionId);
      expect(event.correlationId).toBe(`request-${call}`);
    }
  });

  it("hands the fired calls' events to this process's relay at commit, held from the table's relays and without a NOTIFY", async () => {
    // Prepare: a webhook, and a relay of this process that records what it is handed
    const wf = await h.activate({ graph: graphWith({ type: 'webhook' }) });
    const trigger = (await new KyselyTriggerRepository(db).findByHookId(wf.hookId))!;
    const handed: PlatformEvent[] = [];
    const outbox: CommittedOutbox = {
      holdFor: () => 15,
      publishCommitted: (events) => handed.push(...events),
    };
    const store = new KyselyFiringStore(db, outbox);
    const notified = await listenTo(h.config.DATABASE_URL, channelOf('trigger'));
    try {
      // Act: three calls, one key twice
      const outcomes = await Promise.all(
        ['a', 'b', 'a'].map((key) => store.recordIfUnchanged(trigger, firingOf(trigger, key))),
      );

      // Assess: the two fired calls' events handed over, their rows held, nobody woken
      const fired = outcomes.filter((o) => typeof o === 'object');
      expect(fired).toHaveLength(2);
      expect(handed.map((e) => (e as TriggeredEvent).data.executionId).sort()).toEqual(
        fired.map((o) => o.executionId).sort(),
      );
      const rows = await h.outboxOf(wf.workflowId);
      expect(rows.map((r) => r.id).sort()).toEqual(handed.map((e) => e.id).sort());
      for (const row of rows) expect(row.held_until!.getTime()).toBeGreaterThan(Date.now());
      expect(await notified.count()).toBe(0);
    } finally {
      await notified.stop();
    }
  });

  it('leaves a call on a row locked for a change to the full transaction, and fires the others', async () => {
    // Prepare: two webhooks; the first one's row locked as an activation locks it
    const busy = await h.activate({ graph: graphWith({ type: 'webhook' }) });
    const free = await h.activate({ graph: graphWith({ type: 'webhook' }) });
    const repo = new KyselyTriggerRepository(db);
    const [busyRow, freeRow] = [
      (await repo.findByHookId(busy.hookId))!,
      (await repo.findByHookId(free.hookId))!,
    ];
    const store = new KyselyFiringStore(db);
    let release!: () => void;
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const lock = db.transaction().execute(async (trx) => {
      await sql`select 1 from trigger.triggers where workflow_id = ${busy.workflowId} for update`.execute(
        trx,
      );
      locked();
      await new Promise<void>((r) => (release = r));
    });
    await isLocked;

    // Act: one call each, in the same statement
    const outcomes = await Promise.all([
      store.recordIfUnchanged(freeRow, firingOf(freeRow, 'a')),
      store.recordIfUnchanged(busyRow, firingOf(busyRow, 'b')),
      store.recordIfUnchanged(freeRow, firingOf(freeRow, 'c')),
    ]);
    release();
    await lock;

    // Assess: the locked row's call was not decided here; the other workflow's calls fired
    expect(outcomes[1]).toBeUndefined();
    expect(outcomes[0]).toMatchObject({ duplicate: false });
    expect(outcomes[2]).toMatchObject({ duplicate: false });
    expect(await h.firingsOf(busy.workflowId)).toEqual([]);
  });
});

/** Counts the NOTIFYs on `channel`. */
async function listenTo(databaseUrl: string, channel: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let received = 0;
  client.on('notification', () => (received += 1));
  await client.query(`listen "${channel}"`);
  return {
    /** After a round trip of its own, so that any NOTIFY sent before has arrived. */
    count: async () => {
      await client.query('select 1');
      return received;
    },
    stop: () => client.end(),
  };
}
