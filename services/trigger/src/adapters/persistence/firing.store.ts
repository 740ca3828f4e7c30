import { sql, type Kysely, type Transaction } from 'kysely';
import { createEvent } from '@flowgenie/messaging';
import { changeWithOutbox } from '@flowgenie/messaging/outbox';
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
