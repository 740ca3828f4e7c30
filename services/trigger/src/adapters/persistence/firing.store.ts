import { sql, type Kysely, type Transaction } from 'kysely';
import { createEvent, envelopeOf } from '@flowgenie/messaging';
import {
  changeWithOutbox,
  changeWithOutboxByKey,
  channelOf,
  outboxValues,
} from '@flowgenie/messaging/outbox';
import type { Trigger } from '../../domain/trigger';
import type { Firing, FiringOutcome, FiringStore } from '../../ports/firing-store';
import { rowToTrigger } from './trigger.repository';
import { TRIGGER_SCHEMA, type TriggerDb } from './tables';

/** Firings in Postgres, each with its workflow.triggered event in the outbox (same transaction). */
export class KyselyFiringStore implements FiringStore {
  constructor(private readonly db: Kysely<TriggerDb>) {}

  record(firing: Firing): Promise<FiringOutcome> {
    return this.db.transaction().execute((trx) => insertFiring(trx, firing));
  }

  recordForTrigger(
    by: { workflowId: string } | { hookId: string },
    build: (trigger: Trigger | undefined) => Firing | undefined,
  ): Promise<FiringOutcome | undefined> {
    return this.db.transaction().execute(async (trx) => {
      let query = trx.selectFrom('triggers').selectAll();
      query =
        'hookId' in by
          ? query.where('hook_id', '=', by.hookId)
          : query.where('workflow_id', '=', by.workflowId);
      // A share lock: firings run side by side, a deactivation waits for them (and they for it).
      const row = await query.forShare().executeTakeFirst();
      const firing = build(row && rowToTrigger(row));
      if (!firing) return undefined;
      return insertFiring(trx, firing);
    });
  }

  recordForTriggers(
    workflowIds: string[],
    build: (index: number, trigger: Trigger | undefined) => Firing | undefined,
  ): Promise<Array<FiringOutcome | undefined>> {
    if (workflowIds.length === 0) return Promise.resolve([]);
    return this.db.transaction().execute(async (trx) => {
      // Share locks in one order, so two batches never wait on each other crosswise.
      const ids = [...new Set(workflowIds)].sort();
      const rows = await trx
        .selectFrom('triggers')
        .selectAll()
        .where('workflow_id', 'in', ids)
        .orderBy('workflow_id')
        .forShare()
        .execute();
      const byId = new Map(rows.map((r) => [r.workflow_id, rowToTrigger(r)]));
      const firings = workflowIds.map((id, i) => build(i, byId.get(id)));
      const outcomes = await insertFirings(
        trx,
        firings.filter((f): f is Firing => f !== undefined),
      );
      let next = 0;
      return firings.map((f) => (f ? outcomes[next++] : undefined));
    });
  }

  /**
   * One statement (its own transaction): locks the trigger row for share only if it is still the
   * version read (`xmin`), inserts the firing and its outbox row, and NOTIFYs the relay at commit.
   * A changed or missing row (undefined) or a repeated key (`'seen'`) writes nothing: the caller
   * takes the transaction of `recordForTrigger`, which decides those cases.
   */
  async recordIfUnchanged(
    trigger: Trigger,
    firing: Firing,
  ): Promise<{ executionId: string; duplicate: false } | 'seen' | undefined> {
    if (trigger.revision === undefined) return undefined;
    // Built from a checked request (key, body limits) and the stored trigger's graph, validated
    // when the version was published: the bus validates it on publish and on receipt, not here too.
    const event = envelopeOf('workflow.triggered', firing, { source: 'trigger' });
    const { rows } = await sql<{ fired: number; locked: number }>`
      with t as (
        select workflow_id from triggers
        where hook_id = ${trigger.hookId} and workflow_id = ${trigger.workflowId}
          and xmin = ${trigger.revision}::xid
        for share
      ), f as (
        insert into firings (workflow_id, idempotency_key, execution_id)
        select workflow_id, ${firing.idempotencyKey}, ${firing.executionId} from t
        on conflict (workflow_id, idempotency_key) do nothing
        returning execution_id
      ), o as (
        insert into outbox (id, type, envelope)
        select v.id, v.type, v.envelope from (values ${outboxValues([event])}) as v(id, type, envelope)
        where exists (select from f)
        returning id
      )
      select (select count(*) from (select pg_notify(${channelOf(TRIGGER_SCHEMA)}, '') from o) n)::int as fired,
        (select count(*) from t)::int as locked`.execute(this.db);
    if (rows[0]?.fired === 1) return { executionId: firing.executionId, duplicate: false };
    return rows[0]?.locked === 1 ? 'seen' : undefined;
  }
}

async function insertFirings(
  trx: Transaction<TriggerDb>,
  firings: Firing[],
): Promise<FiringOutcome[]> {
  if (firings.length === 0) return [];
  // Built from trigger rows validated at activation: zod once per event, on publish and receipt,
  // not here too (it was a fifth of the CPU of 10,000 firings due together).
  const events = firings.map((f) => envelopeOf('workflow.triggered', f, { source: 'trigger' }));
  // The firings and the events of the new ones in one statement, each column one array parameter.
  const insertedIds = await changeWithOutboxByKey(
    trx,
    TRIGGER_SCHEMA,
    sql<{ key: string }>`
      insert into firings (workflow_id, idempotency_key, execution_id)
      select * from unnest(
        ${firings.map((f) => f.workflowId)}::uuid[],
        ${firings.map((f) => f.idempotencyKey)}::text[],
        ${firings.map((f) => f.executionId)}::uuid[])
      on conflict (workflow_id, idempotency_key) do nothing
      returning execution_id::text as key`,
    events,
    ['data', 'executionId'],
  );
  const fresh = new Set(insertedIds);
  const repeated = firings.filter((f) => !fresh.has(f.executionId));
  const firstOf = new Map<string, string>();
  if (repeated.length) {
    // Keys seen before (or twice in this batch): their first execution, as `insertFiring` answers.
    const rows = await trx
      .selectFrom('firings')
      .select(['workflow_id', 'idempotency_key', 'execution_id'])
      .where((eb) =>
        eb.or(
          repeated.map((f) =>
            eb.and([
              eb('workflow_id', '=', f.workflowId),
              eb('idempotency_key', '=', f.idempotencyKey),
            ]),
          ),
        ),
      )
      .execute();
    for (const r of rows) firstOf.set(`${r.workflow_id} ${r.idempotency_key}`, r.execution_id);
  }
  return firings.map((f) =>
    fresh.has(f.executionId)
      ? { executionId: f.executionId, duplicate: false }
      : {
          executionId: firstOf.get(`${f.workflowId} ${f.idempotencyKey}`) ?? f.executionId,
          duplicate: true,
        },
  );
}

async function insertFiring(trx: Transaction<TriggerDb>, firing: Firing): Promise<FiringOutcome> {
  // The firing and, when it is new, its event (outbox row and NOTIFY) in one round trip.
  const [inserted] = await changeWithOutbox(
    trx,
    TRIGGER_SCHEMA,
    sql<{ execution_id: string }>`
      insert into firings (workflow_id, idempotency_key, execution_id)
      values (${firing.workflowId}, ${firing.idempotencyKey}, ${firing.executionId})
      on conflict (workflow_id, idempotency_key) do nothing
      returning execution_id`,
    [createEvent('workflow.triggered', firing, { source: 'trigger' })],
  );
  if (!inserted) {
    // Under READ COMMITTED this statement sees the row a concurrent twin committed before we resumed.
    const first = await trx
      .selectFrom('firings')
      .select('execution_id')
      .where('workflow_id', '=', firing.workflowId)
      .where('idempotency_key', '=', firing.idempotencyKey)
      .executeTakeFirstOrThrow();
    return { executionId: first.execution_id, duplicate: true };
  }
  return { executionId: firing.executionId, duplicate: false };
}
