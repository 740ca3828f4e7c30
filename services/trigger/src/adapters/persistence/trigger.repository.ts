import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { handleOnce } from '@flowgenie/messaging/outbox';
import type { Trigger } from '../../domain/trigger';
import type { TriggerEventInbox, TriggerRepository } from '../../ports/trigger-repository';
import type { TriggerStateStore } from '../../ports/trigger-state-store';
import { KyselyTriggerStateStore } from './trigger-state.store';
import type { TriggerDb, TriggersTable } from './tables';

type Db = Kysely<TriggerDb> | Transaction<TriggerDb>;

export function rowToTrigger(row: Selectable<TriggersTable> & { revision?: string }): Trigger {
  return {
    workflowId: row.workflow_id,
    ownerId: row.owner_id,
    version: row.version,
    hookId: row.hook_id,
    type: row.type,
    config: row.config,
    graph: row.graph,
    name: row.name,
    active: row.active,
    updatedAt: row.updated_at,
    ...(row.schedule_firing ? { scheduleFiring: row.schedule_firing } : {}),
    ...(row.revision !== undefined ? { revision: row.revision } : {}),
  };
}

/** Triggers in Postgres; pass a transaction to make its reads and writes part of it. */
export class KyselyTriggerRepository implements TriggerRepository {
  constructor(private readonly db: Db) {}

  async findByHookId(hookId: string): Promise<Trigger | undefined> {
    const row = await this.db
      .selectFrom('triggers')
      .selectAll()
      // The row version, so a webhook can fire in one statement against exactly this row.
      .select(sql<string>`xmin::text`.as('revision'))
      .where('hook_id', '=', hookId)
      .executeTakeFirst();
    return row && rowToTrigger(row);
  }

  async findByWorkflowId(workflowId: string): Promise<Trigger | undefined> {
    const row = await this.db
      .selectFrom('triggers')
      .selectAll()
      .where('workflow_id', '=', workflowId)
      .executeTakeFirst();
    return row && rowToTrigger(row);
  }

  async lockByWorkflowId(workflowId: string): Promise<Trigger | undefined> {
    const row = await this.db
      .selectFrom('triggers')
      .selectAll()
      .where('workflow_id', '=', workflowId)
      .forUpdate()
      .executeTakeFirst();
    return row && rowToTrigger(row);
  }

  async saveIfNewer(t: Trigger): Promise<void> {
    const graph = JSON.stringify(t.graph);
    await this.db
      .insertInto('triggers')
      .values({
        workflow_id: t.workflowId,
        owner_id: t.ownerId,
        version: t.version,
        hook_id: t.hookId,
        type: t.type,
        config: JSON.stringify(t.config),
        graph,
        name: t.name,
        active: t.active,
        updated_at: t.updatedAt,
        schedule_firing: t.scheduleFiring ? JSON.stringify(t.scheduleFiring) : null,
        graph_bytes: Buffer.byteLength(graph),
      })
      .onConflict((oc) =>
        oc
          .column('workflow_id')
          .doUpdateSet((eb) => ({
            owner_id: eb.ref('excluded.owner_id'),
            version: eb.ref('excluded.version'),
            hook_id: eb.ref('excluded.hook_id'),
            type: eb.ref('excluded.type'),
            config: eb.ref('excluded.config'),
            graph: eb.ref('excluded.graph'),
            name: eb.ref('excluded.name'),
            active: eb.ref('excluded.active'),
            updated_at: eb.ref('excluded.updated_at'),
            schedule_firing: eb.ref('excluded.schedule_firing'),
            graph_bytes: eb.ref('excluded.graph_bytes'),
          }))
          .where(sql<boolean>`triggers.updated_at <= excluded.updated_at`),
      )
      .execute();
  }

  async deactivateIfNewer(workflowId: string, at: Date): Promise<void> {
    await this.db
      .updateTable('triggers')
      .set({ active: false, updated_at: at })
      .where('workflow_id', '=', workflowId)
      .where('updated_at', '<=', at)
      .execute();
  }
}

/** The consumer 'trigger' inbox: each event id's work commits once, with its inbox row. */
export class KyselyTriggerEventInbox implements TriggerEventInbox {
  constructor(
    private readonly db: Kysely<TriggerDb>,
    private readonly consumer = 'trigger',
  ) {}

  once(
    eventId: string,
    work: (repo: TriggerRepository, states?: TriggerStateStore) => Promise<void>,
  ): Promise<boolean> {
    return handleOnce(this.db, this.consumer, eventId, (trx) =>
      work(new KyselyTriggerRepository(trx), new KyselyTriggerStateStore(trx)),
    );
  }
}
