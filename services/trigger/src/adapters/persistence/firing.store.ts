import { sql, type Kysely, type Transaction } from 'kysely';
import type { PlatformEvent } from '@flowgenie/contracts';
import { createEvent, envelopeOf } from '@flowgenie/messaging';
import { currentCorrelationId, NaturalBatcher } from '@flowgenie/platform';
import {
  changeWithOutbox,
  changeWithOutboxByKey,
  channelOf,
  heldUntil,
  type CommittedOutbox,
} from '@flowgenie/messaging/outbox';
import type { Trigger } from '../../domain/trigger';
import type {
  Firing,
  FiringOutcome,
  FiringStore,
  ScheduleTickOutcome,
  ScheduleTickToFire,
} from '../../ports/firing-store';
import { rowToTrigger } from './trigger.repository';
import { TRIGGER_SCHEMA, type TriggerDb } from './tables';

/** Webhook firings recorded by one statement at most. */
const WEBHOOK_FIRINGS_PER_STATEMENT = 100;
/** Statements of webhook firings running at once: while they run, the next calls gather. */
const WEBHOOK_STATEMENTS_AT_ONCE = 2;

/** A webhook firing waiting for its statement, with its event built in the caller's context. */
interface WebhookFiringCall {
  trigger: Trigger;
  firing: Firing;
  event: PlatformEvent<'workflow.triggered'>;
}

/** Firings in Postgres, each with its workflow.triggered event in the outbox (same transaction). */
export class KyselyFiringStore implements FiringStore {
  /** Webhook firings on an unchanged row, many to a statement under load. */
  private readonly webhookFirings = new NaturalBatcher(
    (calls: WebhookFiringCall[]) => this.recordAllIfUnchanged(calls),
    { maxBatch: WEBHOOK_FIRINGS_PER_STATEMENT, maxInFlight: WEBHOOK_STATEMENTS_AT_ONCE },
  );

  /** `outbox`: this process's relay, handed the webhook firings' events once committed. */
  constructor(
    private readonly db: Kysely<TriggerDb>,
    private readonly outbox?: CommittedOutbox,
  ) {}

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
   * One statement (its own transaction). The envelope is `envelopeOf`'s for the batch, with the
   * per-firing fields set in SQL: event id, correlation id (the current one, else a new one per
   * event as `envelopeOf` gives) and the data FireSchedule's `firingOf` builds, whose key is
   * `scheduleFiringKey`'s. A test holds the two ways to the same events
   * (services/trigger/test/schedule-ticks.test.ts).
   */
  async fireScheduleTicks(
    ticks: ScheduleTickToFire[],
    opts: { triggeredAt: Date; inlineMaxBytes?: number },
  ): Promise<ScheduleTickOutcome[]> {
    if (ticks.length === 0) return [];
    const triggeredAt = opts.triggeredAt.toISOString();
    const { data: _data, ...template } = envelopeOf('workflow.triggered', {} as Firing, {
      source: 'trigger',
    });
    const sharedCorrelation = currentCorrelationId() !== undefined;
    const ids = ticks.map((t) => t.workflowId);
    const { rows } = await sql<{ outcome: ScheduleTickOutcome }>`
      with tick as (
        select * from unnest(${ids}::uuid[], ${ticks.map((t) => t.executionId)}::uuid[],
          ${ticks.map((t) => t.scheduledAt.toISOString())}::text[])
          with ordinality as k(workflow_id, execution_id, scheduled_at, n)
      ), locked as (
        -- Locked by id alone, so an activation in progress is waited for and decided on as
        -- committed, as recordForTriggers does.
        select workflow_id, owner_id, version, graph, schedule_firing, graph_bytes,
          active and type = 'schedule' as fires
        from triggers
        where workflow_id = any(${ticks.map((t) => t.workflowId)}::uuid[])
        order by workflow_id for share
      ), firing as (
        select tick.n, tick.execution_id, tick.scheduled_at, locked.*,
          'schedule:' || locked.workflow_id || ':' || locked.version || ':' || tick.scheduled_at as key
        from tick join locked using (workflow_id)
        where locked.fires and locked.schedule_firing ? 'triggerNodeId'
          and locked.graph_bytes <= ${opts.inlineMaxBytes ?? 2 ** 31 - 1}
      ), inserted as (
        insert into firings (workflow_id, idempotency_key, execution_id)
        select workflow_id, key, execution_id from firing order by workflow_id, key
        on conflict (workflow_id, idempotency_key) do nothing
        returning execution_id
      ), event as (
        -- Not inlined (a volatile id): the outbox row and its envelope get the same one.
        select gen_random_uuid() as id, firing.* from firing join inserted using (execution_id)
      ), appended as (
        insert into outbox (id, type, envelope)
        select id, 'workflow.triggered', ${JSON.stringify(template)}::jsonb || jsonb_build_object(
          'id', id,
          'correlationId', case when ${sharedCorrelation}::boolean then ${template.correlationId}::text
            else gen_random_uuid()::text end,
          'data', jsonb_build_object(
            'executionId', execution_id, 'workflowId', workflow_id, 'ownerId', owner_id,
            'version', version, 'mode', 'schedule',
            'triggerNodeId', schedule_firing -> 'triggerNodeId', 'idempotencyKey', key,
            'payload', jsonb_build_object(
              'scheduledAt', scheduled_at, 'timezone', schedule_firing -> 'timezone'),
            'graph', graph, 'triggeredAt', ${triggeredAt}::text))
        from event order by n
        returning id
      )
      select case
          when inserted.execution_id is not null then 'fired'
          when firing.n is not null then 'duplicate'
          when locked.fires then 'undecided'
          else 'skipped' end as outcome,
        (select pg_notify(${channelOf(TRIGGER_SCHEMA)}, '') where exists (select from appended))
          as outbox_notified
      from tick
        left join locked using (workflow_id)
        left join firing using (n)
        left join inserted on inserted.execution_id = tick.execution_id
      order by tick.n`.execute(this.db);
    return rows.map((r) => r.outcome);
  }

  /**
   * One statement (its own transaction): locks the trigger row for share and, if it is still the
   * version read (`xmin`), inserts the firing and its outbox row, and NOTIFYs the relay at commit.
   * A changed, missing or busy row (undefined) or a repeated key (`'seen'`) writes nothing: the
   * caller takes the transaction of `recordForTrigger`, which decides those cases. Calls made while
   * earlier ones run share the next statement (group commit: {@link NaturalBatcher}).
   */
  async recordIfUnchanged(
    trigger: Trigger,
    firing: Firing,
  ): Promise<{ executionId: string; duplicate: false } | 'seen' | undefined> {
    if (trigger.revision === undefined) return undefined;
    // Built here, in the caller's context: the batch runs in another call's (correlation id).
    // From a checked request (key, body limits) and the stored trigger's graph, validated when
    // the version was published: the bus validates it on publish and on receipt, not here too.
    const event = envelopeOf('workflow.triggered', firing, { source: 'trigger' });
    return this.webhookFirings.add({ trigger, firing, event });
  }

  private async recordAllIfUnchanged(
    calls: WebhookFiringCall[],
  ): Promise<Array<{ executionId: string; duplicate: false } | 'seen' | undefined>> {
    const events = calls.map((c) => c.event);
    // Held for this process's relay, which publishes them once committed; else the NOTIFY.
    const hold = this.outbox?.holdFor(calls.length);
    const { rows } = await sql<{ fired: boolean; locked: boolean }>`
      with input as (
        select * from unnest(${calls.map((c) => c.trigger.hookId)}::text[],
          ${calls.map((c) => c.trigger.workflowId)}::uuid[],
          ${calls.map((c) => c.trigger.revision)}::text[],
          ${calls.map((c) => c.firing.idempotencyKey)}::text[],
          ${calls.map((c) => c.firing.executionId)}::uuid[])
          with ordinality as i(hook_id, workflow_id, revision, key, execution_id, n)
      ), t as (
        -- Share locks in one order; a row updated meanwhile is returned as it is now, so its
        -- xmin is compared below. A row locked for a change (an activation in progress) is
        -- skipped: only its own calls then wait for it (recordForTrigger), not the batch.
        select workflow_id, hook_id, xmin::text as revision from triggers
        where workflow_id in (select workflow_id from input)
        order by workflow_id for share skip locked
      ), unchanged as (
        select input.* from input join t using (workflow_id, hook_id, revision)
      ), f as (
        -- In one order too: two statements inserting the same two keys cannot wait crosswise.
        insert into firings (workflow_id, idempotency_key, execution_id)
        select workflow_id, key, execution_id from unchanged order by workflow_id, key
        on conflict (workflow_id, idempotency_key) do nothing
        returning execution_id
      ), o as (
        insert into outbox (id, type, envelope, held_until)
        select (e->>'id')::uuid, e->>'type', e, ${heldUntil(hold)}
        from jsonb_array_elements(${JSON.stringify(events)}::jsonb) with ordinality as v(e, n)
        where (e #>> '{data,executionId}')::uuid in (select execution_id from f)
        order by n
        returning id
      )
      select f.execution_id is not null as fired, unchanged.n is not null as locked,
        (select pg_notify(${channelOf(TRIGGER_SCHEMA)}, '')
          where ${hold === undefined} and exists (select from o)) as outbox_notified
      from input
        left join unchanged using (n)
        left join f on f.execution_id = input.execution_id
      order by input.n`.execute(this.db);
    if (hold !== undefined) this.outbox?.publishCommitted(events.filter((_, i) => rows[i].fired));
    return rows.map((r, i) =>
      r.fired
        ? { executionId: calls[i].firing.executionId, duplicate: false }
        : r.locked
          ? 'seen'
          : undefined,
    );
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
