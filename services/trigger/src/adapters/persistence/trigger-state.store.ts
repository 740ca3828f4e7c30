import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { TriggerState } from '../../domain/integration-trigger';
import type { SlackEventStore, StoredSlackEvent } from '../../ports/slack-event-store';
import type { TriggerStateStore } from '../../ports/trigger-state-store';
import type { TriggerDb, TriggerStatesTable } from './tables';

type Db = Kysely<TriggerDb> | Transaction<TriggerDb>;

function rowToState(row: Selectable<TriggerStatesTable>): TriggerState {
  return {
    workflowId: row.workflow_id,
    type: row.type,
    connectionId: row.connection_id,
    status: row.status,
    reason: row.reason,
    cursorKey: row.cursor_key,
    cursor: row.cursor,
    generation: row.generation,
    teamId: row.team_id,
    lastPolledAt: row.last_polled_at,
    lastError: row.last_error,
    updatedAt: row.updated_at,
  };
}

/** Integration trigger state in Postgres; pass a transaction to make it part of it. */
export class KyselyTriggerStateStore implements TriggerStateStore {
  constructor(private readonly db: Db) {}

  async find(workflowId: string): Promise<TriggerState | undefined> {
    const row = await this.db
      .selectFrom('trigger_states')
      .selectAll()
      .where('workflow_id', '=', workflowId)
      .executeTakeFirst();
    return row && rowToState(row);
  }

  async ensureActive(input: {
    workflowId: string;
    type: string;
    connectionId: string | null;
    cursorKey: string;
    now: Date;
  }): Promise<void> {
    await this.db
      .insertInto('trigger_states')
      .values({
        workflow_id: input.workflowId,
        type: input.type,
        connection_id: input.connectionId,
        status: 'active',
        reason: null,
        cursor_key: input.cursorKey,
        cursor: null,
        generation: 0,
        team_id: null,
        last_polled_at: null,
        last_error: null,
        updated_at: input.now,
      })
      .onConflict((oc) =>
        oc.column('workflow_id').doUpdateSet({
          type: input.type,
          connection_id: input.connectionId,
          status: 'active',
          reason: null,
          last_error: null,
          updated_at: input.now,
          // Same source: keep the cursor (a new version must not skip or repeat mail).
          cursor_key: input.cursorKey,
          cursor: sql`case when trigger_states.cursor_key = ${input.cursorKey} then trigger_states.cursor else null end`,
          team_id: sql`case when trigger_states.connection_id is not distinct from ${input.connectionId}::uuid then trigger_states.team_id else null end`,
          generation: sql`trigger_states.generation + 1`,
        }),
      )
      .execute();
  }

  async remove(workflowId: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom('trigger_states')
      .where('workflow_id', '=', workflowId)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async pause(workflowId: string, reason: string, now: Date): Promise<boolean> {
    const res = await this.db
      .updateTable('trigger_states')
      .set({ status: 'paused', reason, updated_at: now })
      .where('workflow_id', '=', workflowId)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async resumeByConnection(connectionId: string, now: Date): Promise<string[]> {
    const rows = await this.db
      .updateTable('trigger_states')
      .set({ status: 'active', reason: null, last_error: null, updated_at: now })
      .where('connection_id', '=', connectionId)
      .where('status', '=', 'paused')
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('triggers')
            .select('triggers.workflow_id')
            .whereRef('triggers.workflow_id', '=', 'trigger_states.workflow_id')
            .where('triggers.active', '=', true),
        ),
      )
      .returning('workflow_id')
      .execute();
    return rows.map((r) => r.workflow_id);
  }

  async pauseByConnection(connectionId: string, reason: string, now: Date): Promise<string[]> {
    const rows = await this.db
      .updateTable('trigger_states')
      .set({ status: 'paused', reason, updated_at: now })
      .where('connection_id', '=', connectionId)
      .returning('workflow_id')
      .execute();
    return rows.map((r) => r.workflow_id);
  }

  async saveCursor(
    workflowId: string,
    generation: number,
    cursor: Record<string, unknown>,
    now: Date,
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('trigger_states')
      .set({
        cursor: JSON.stringify(cursor),
        generation: generation + 1,
        last_polled_at: now,
        last_error: null,
        updated_at: now,
      })
      .where('workflow_id', '=', workflowId)
      .where('generation', '=', generation)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async recordPoll(workflowId: string, now: Date, error: string | null): Promise<void> {
    await this.db
      .updateTable('trigger_states')
      .set({ last_polled_at: now, last_error: error, updated_at: now })
      .where('workflow_id', '=', workflowId)
      .execute();
  }

  async setTeam(workflowId: string, teamId: string): Promise<void> {
    await this.db
      .updateTable('trigger_states')
      .set({ team_id: teamId })
      .where('workflow_id', '=', workflowId)
      .execute();
  }

  async activeForTeam(type: string, teamId: string): Promise<TriggerState[]> {
    const rows = await this.db
      .selectFrom('trigger_states')
      .selectAll()
      .where('type', '=', type)
      .where('status', '=', 'active')
      .where((eb) => eb.or([eb('team_id', '=', teamId), eb('team_id', 'is', null)]))
      .execute();
    return rows.map(rowToState);
  }
}

/** Slack deliveries in Postgres (`slack_events`, primary key event_id). */
export class KyselySlackEventStore implements SlackEventStore {
  constructor(private readonly db: Kysely<TriggerDb>) {}

  async insertIfNew(event: {
    eventId: string;
    teamId: string;
    body: Record<string, unknown>;
  }): Promise<boolean> {
    const row = await this.db
      .insertInto('slack_events')
      .values({
        event_id: event.eventId,
        team_id: event.teamId,
        body: JSON.stringify(event.body),
        processed_at: null,
      })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .returning('event_id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async find(eventId: string): Promise<StoredSlackEvent | undefined> {
    const row = await this.db
      .selectFrom('slack_events')
      .selectAll()
      .where('event_id', '=', eventId)
      .executeTakeFirst();
    return (
      row && {
        eventId: row.event_id,
        teamId: row.team_id,
        body: row.body,
        processedAt: row.processed_at,
      }
    );
  }

  async markProcessed(eventId: string, now: Date): Promise<void> {
    await this.db
      .updateTable('slack_events')
      .set({ processed_at: now })
      .where('event_id', '=', eventId)
      .execute();
  }

  async pending(before: Date, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('slack_events')
      .select('event_id')
      .where('processed_at', 'is', null)
      .where('received_at', '<', before)
      .orderBy('received_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.event_id);
  }

  async prune(before: Date): Promise<number> {
    const res = await this.db
      .deleteFrom('slack_events')
      .where('processed_at', 'is not', null)
      .where('received_at', '<', before)
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
