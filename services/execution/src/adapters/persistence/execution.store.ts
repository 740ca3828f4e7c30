import {
  sql,
  type Kysely,
  type RawBuilder,
  type Selectable,
  type Transaction,
  type Updateable,
} from 'kysely';
import {
  consumersOf,
  type EventData,
  type EventType,
  type PayloadRef,
  type PlatformEvent,
  type RetryPolicy,
  type WorkflowGraph,
} from '@flowgenie/contracts';
import { createEvent } from '@flowgenie/messaging';
import { NaturalBatcher } from '@flowgenie/platform';
import { appendToOutbox, channelOf, handleOnce, outboxValues } from '@flowgenie/messaging/outbox';
import type {
  AttemptLogEntry,
  Execution,
  ExecutionDetail,
  ExecutionError,
  ExecutionStatus,
  Step,
  StepError,
  StepStatus,
  StepTest,
  TriggerMode,
} from '../../domain/execution';
import { inGraphOrder } from '../../domain/plan';
import type {
  ChainWrites,
  ExecutionFilter,
  ExecutionFinish,
  ExecutionPage,
  ExecutionPatch,
  ExecutionStore,
  ExecutionTx,
  LatestExecution,
  StartEvent,
  StartOutcome,
  StepPatch,
} from '../../ports/execution-store';
import { json, type ExecutionDb, type ExecutionsTable, type StepsTable } from './execution.table';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Columns of the list (no graph, payload or steps). */
const SUMMARY_COLUMNS = [
  'id',
  'owner_id',
  'workflow_id',
  'version',
  'mode',
  'status',
  'idempotency_key',
  'trigger_node_id',
  'error',
  'step_test',
  'correlation_id',
  'retries',
  'created_at',
  'started_at',
  'finished_at',
  'updated_at',
] as const;

/** Starts recorded by one statement at most. */
const STARTS_PER_STATEMENT = 50;
/** Statements of starts running at once: while they run, the next starts gather. */
const START_STATEMENTS_AT_ONCE = 2;

/** A start handed to the batch (see `startOnce`). */
interface Start {
  consumer: string;
  eventId: string;
  execution: Execution;
  steps: Step[];
}

/** `source` of every event this service emits. */
export const EVENT_SOURCE = 'execution';

/**
 * Executions and steps in Postgres (schema `execution`), with the outbox and inbox of the
 * messaging package in the same schema.
 */
export class PgExecutionStore implements ExecutionStore {
  private readonly written: (type: EventType) => boolean;
  /** Starts without events to write, many to a statement under load. */
  private readonly starts = new NaturalBatcher((starts: Start[]) => this.startAll(starts), {
    maxBatch: STARTS_PER_STATEMENT,
    maxInFlight: START_STATEMENTS_AT_ONCE,
  });

  constructor(
    private readonly db: Kysely<ExecutionDb>,
    private readonly schema: string,
    /** `routed`: only event types the routing table sends to a consumer are written. @default 'routed' */
    opts: { events?: 'routed' | 'all' } = {},
  ) {
    this.written = opts.events === 'all' ? () => true : (type) => consumersOf(type).length > 0;
  }

  transaction<T>(fn: (tx: ExecutionTx) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(this.tx(trx)));
  }

  private tx(trx: Transaction<ExecutionDb>): PgExecutionTx {
    return new PgExecutionTx(trx, this.schema, this.written);
  }

  async handleOnce<T>(consumer: string, eventId: string, fn: (tx: ExecutionTx) => Promise<T>) {
    let value: T | undefined;
    const handled = await handleOnce(this.db, consumer, eventId, async (trx) => {
      value = await fn(this.tx(trx));
    });
    return handled ? { handled: true as const, value: value as T } : { handled: false as const };
  }

  async startOnce(
    consumer: string,
    eventId: string,
    e: Execution,
    steps: Step[],
    events: StartEvent[],
  ): Promise<StartOutcome> {
    if (events.some((event) => this.written(event.type))) {
      // An event to write (its outbox row and NOTIFY): the same rows in a transaction.
      const result = await this.handleOnce(consumer, eventId, async (tx) => {
        if (!(await tx.insertExecution(e))) return false;
        await tx.insertSteps(steps);
        for (const event of events) await tx.emit(event.type, event.data as never);
        return true;
      });
      return { status: !result.handled ? 'seen' : result.value ? 'started' : 'exists' };
    }
    return this.starts.add({ consumer, eventId, execution: e, steps });
  }

  /**
   * Starts in one statement instead of BEGIN, three inserts and COMMIT each: the inbox rows, then
   * the executions of the new events, then the steps of the executions inserted (RETURNING chains
   * them). An event twice in the batch counts once (its first); an execution whose id or key
   * exists is not inserted ('exists'), as one at a time would find.
   */
  private async startAll(starts: Start[]): Promise<StartOutcome[]> {
    const input = starts.map(({ consumer, eventId, execution, steps }, n) => ({
      n,
      consumer,
      event_id: eventId,
      ...executionRecord(execution),
      steps: steps.map(stepInsertRow),
    }));
    const { rows } = await sql<{ fresh: boolean; revision: string | null }>`
      with input as (
        select * from jsonb_to_recordset(${JSON.stringify(input)}::jsonb)
          as i(n integer, consumer text, event_id uuid, ${EXECUTION_FIELDS}, steps jsonb)
      ), inbox as (
        -- Rows in one order (here and below): two statements holding the same keys cannot wait on
        -- each other crosswise.
        insert into inbox (consumer, event_id)
        select distinct consumer, event_id from input order by consumer, event_id
        on conflict do nothing returning consumer, event_id
      ), fresh as (
        select distinct on (consumer, event_id) input.* from input join inbox using (consumer, event_id)
        order by consumer, event_id, n
      ), execution as (
        insert into executions (${EXECUTION_COLUMNS})
        select ${EXECUTION_VALUES}
        from fresh order by workflow_id, idempotency_key
        on conflict do nothing
        returning id, updated_at::text as revision
      ), inserted_steps as (
        insert into steps (${STEP_INSERT_COLUMNS})
        select x.id, ${STEP_RECORD_COLUMNS}
        from execution x join fresh using (id), jsonb_to_recordset(fresh.steps) as ${STEP_RECORD}
      )
      select fresh.n is not null as fresh, execution.revision
      from input left join fresh using (n) left join execution on execution.id = fresh.id
      order by input.n`.execute(this.db);
    return rows.map((r): StartOutcome =>
      !r.fresh
        ? { status: 'seen' }
        : r.revision === null
          ? { status: 'exists' }
          : { status: 'started', revision: r.revision },
    );
  }

  async recordIfUnchanged(
    id: string,
    since: string,
    { steps, finish, events }: ChainWrites,
  ): Promise<string | undefined> {
    if (!UUID.test(id)) return undefined;
    const written = events
      .filter((e) => this.written(e.type))
      .map((e) => createEvent(e.type, e.data as never, { source: EVENT_SOURCE }) as PlatformEvent);
    const outbox =
      written.length === 0
        ? sql`select where false`
        : sql`insert into outbox (id, type, envelope)
            select v.id, v.type, v.envelope from (values ${outboxValues(written)}) as v(id, type, envelope)
            where exists (select from stamp) returning id`;
    // The UPDATE locks the row as lockExecution's FOR UPDATE does, and re-checks the marker on
    // the newest row version once a concurrent writer commits: a change in between writes
    // nothing. Every write to the steps stamps this row first, so they are as read too.
    const { rows } = await sql<{ revision: string; notified: unknown }>`
      with stamp as (
        update executions set updated_at = clock_timestamp()${
          finish
            ? sql`, status = ${finish.status}, error = ${json(finish.error)}::jsonb,
              finished_at = ${finish.finishedAt}`
            : sql``
        }
        where id = ${id} and status = 'running' and updated_at = ${since}::timestamptz
        returning id, updated_at::text as revision),
      saved as (${saveStepsSql(sql`(select id from stamp)`, steps)}),
      inserted as (${outbox})
      select revision, (select pg_notify(${channelOf(this.schema)}, '')
          where exists (select from inserted)) as notified
      from stamp`.execute(this.db);
    return rows[0]?.revision;
  }

  async findDetail(id: string, ownerId?: string): Promise<ExecutionDetail | undefined> {
    if (!UUID.test(id)) return undefined;
    // One round trip, one snapshot: the row and its steps (as JSON rows).
    let query = this.db
      .selectFrom('executions')
      .selectAll()
      .select([
        sql<
          StepJsonRow[]
        >`coalesce((select json_agg(s) from steps s where s.execution_id = executions.id), '[]'::json)`.as(
          'steps_json',
        ),
        sql<string>`executions.updated_at::text`.as('revision'),
      ])
      .where('id', '=', id);
    if (ownerId !== undefined) query = query.where('owner_id', '=', ownerId);
    const row = await query.executeTakeFirst();
    if (!row) return undefined;
    const execution = rowToExecution(row);
    const steps = inGraphOrder(execution.graph, row.steps_json.map(jsonRowToStep));
    return { ...execution, steps, revision: row.revision };
  }

  async version(id: string, ownerId: string) {
    if (!UUID.test(id)) return undefined;
    const row = await this.db
      .selectFrom('executions')
      .select(['updated_at', 'status'])
      .where('id', '=', id)
      .where('owner_id', '=', ownerId)
      .executeTakeFirst();
    return row ? { updatedAt: row.updated_at, status: row.status as ExecutionStatus } : undefined;
  }

  async list(ownerId: string, filter: ExecutionFilter): Promise<ExecutionPage> {
    let query = this.db
      .selectFrom('executions')
      .select(SUMMARY_COLUMNS)
      .where('owner_id', '=', ownerId);
    if (filter.workflowId) query = query.where('workflow_id', '=', filter.workflowId);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.from) query = query.where('created_at', '>=', filter.from);
    if (filter.to) query = query.where('created_at', '<=', filter.to);
    const cursor = filter.cursor;
    if (cursor) {
      query = query.where((eb) =>
        eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(cursor.createdAt, cursor.id)),
      );
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit + 1)
      .execute();
    const items = rows
      .slice(0, filter.limit)
      .map((r) =>
        rowToExecution({ ...r, graph: null, trigger_payload: null, trigger_payload_ref: null }),
      );
    const last = items[items.length - 1];
    return {
      items,
      next: rows.length > filter.limit && last ? { createdAt: last.createdAt, id: last.id } : null,
    };
  }

  async latestOfWorkflows(
    ownerId: string,
    workflowIds: readonly string[],
  ): Promise<LatestExecution[]> {
    const ids = workflowIds.filter((id) => UUID.test(id));
    if (ids.length === 0) return [];
    // One probe of executions_workflow_created (workflow_id, created_at desc, id desc) per id.
    const { rows } = await sql<{
      workflow_id: string;
      id: string;
      status: string;
      at: Date;
    }>`
      select w.id as workflow_id, e.id, e.status, coalesce(e.finished_at, e.started_at, e.created_at) as at
      from unnest(${ids}::uuid[]) as w (id)
      cross join lateral (
        select id, status, finished_at, started_at, created_at
        from ${sql.table(`${this.schema}.executions`)}
        where workflow_id = w.id and owner_id = ${ownerId}
        order by created_at desc, id desc
        limit 1
      ) e`.execute(this.db);
    return rows.map((r) => ({
      workflowId: r.workflow_id,
      id: r.id,
      status: r.status as ExecutionStatus,
      at: r.at,
    }));
  }

  async stale(before: Date, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('executions')
      .select('id')
      .where('status', 'in', ['queued', 'running'])
      .where('updated_at', '<', before)
      .orderBy('updated_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  async steps(executionId: string): Promise<Step[]> {
    return stepsOf(this.db, executionId);
  }

  async lastTestOutputs(workflowId: string, ownerId: string, nodeIds: readonly string[]) {
    const found = new Map<string, { output: unknown; handle: string }>();
    if (nodeIds.length === 0 || !UUID.test(workflowId)) return found;
    const rows = await this.db
      .selectFrom('steps as s')
      .innerJoin('executions as e', 'e.id', 's.execution_id')
      .distinctOn('s.node_id')
      .select(['s.node_id', 's.output', 's.handle', 'e.trigger_node_id', 'e.trigger_payload_ref'])
      .where('e.workflow_id', '=', workflowId)
      .where('e.owner_id', '=', ownerId)
      .where('e.version', 'is', null)
      .where('s.status', '=', 'succeeded')
      .where('s.node_id', 'in', [...nodeIds])
      .orderBy('s.node_id')
      .orderBy('s.finished_at', 'desc')
      .execute();
    for (const row of rows) {
      const byReference = row.node_id === row.trigger_node_id && row.trigger_payload_ref != null;
      if (!byReference)
        found.set(row.node_id, { output: row.output ?? null, handle: row.handle ?? 'main' });
    }
    return found;
  }
}

class PgExecutionTx implements ExecutionTx {
  constructor(
    private readonly trx: Transaction<ExecutionDb>,
    private readonly schema: string,
    /** Whether events of this type are written (see PgExecutionStore). */
    private readonly written: (type: EventType) => boolean,
  ) {}

  async insertExecution(e: Execution): Promise<boolean> {
    const { rows } = await insertExecutionSql(e).execute(this.trx);
    return rows.length > 0;
  }

  async insertSteps(steps: Step[]): Promise<void> {
    if (steps.length === 0) return;
    await insertStepsSql(sql`(select ${steps[0].executionId}::uuid as id)`, steps).execute(
      this.trx,
    );
  }

  async lockExecution(
    id: string,
    since?: string,
  ): Promise<(Execution & { unchanged: boolean }) | undefined> {
    if (!UUID.test(id)) return undefined;
    // One round trip: lock the row, and stamp updated_at (every change to an execution or its
    // steps passes here, so it is the last change), returning the row as it was before and
    // whether that is still the change marker read at `since` (to the microsecond).
    const { rows } = await sql<
      ExecutionRow & { previous_updated_at: Date; unchanged: boolean | null }
    >`
      with previous as (select id, updated_at from executions where id = ${id} for update)
      update executions e set updated_at = clock_timestamp() from previous p where e.id = p.id
      returning e.*, p.updated_at as previous_updated_at,
        p.updated_at = ${since ?? null}::timestamptz as unchanged`.execute(this.trx);
    const row = rows[0];
    return row
      ? {
          ...rowToExecution({ ...row, updated_at: row.previous_updated_at }),
          unchanged: row.unchanged === true,
        }
      : undefined;
  }

  async saveSteps(executionId: string, steps: Step[], finish?: ExecutionFinish): Promise<void> {
    if (steps.length === 0) {
      if (finish) await this.updateExecution(executionId, finish);
      return;
    }
    // One statement for all the rows, whatever their number (a chain of steps, skips, queued).
    const saved = saveStepsSql(sql`${executionId}`, steps);
    if (!finish) {
      await saved.execute(this.trx);
      return;
    }
    // The execution's end rides on the same round trip (a data-modifying WITH always runs).
    await sql`
      with saved as (${saved})
      update executions set status = ${finish.status}, error = ${json(finish.error)}::jsonb,
        finished_at = ${finish.finishedAt}
      where id = ${executionId}`.execute(this.trx);
  }

  steps(executionId: string): Promise<Step[]> {
    return stepsOf(this.trx, executionId);
  }

  async updateExecution(id: string, patch: ExecutionPatch): Promise<void> {
    const set: Updateable<ExecutionsTable> = {};
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.error !== undefined) set.error = json(patch.error);
    if (patch.startedAt !== undefined) set.started_at = patch.startedAt;
    if (patch.finishedAt !== undefined) set.finished_at = patch.finishedAt;
    if (patch.retries !== undefined) set.retries = patch.retries;
    if (Object.keys(set).length === 0) return;
    await this.trx.updateTable('executions').set(set).where('id', '=', id).execute();
  }

  async updateSteps(executionId: string, nodeIds: string[], patch: StepPatch): Promise<void> {
    if (nodeIds.length === 0) return;
    const set: Updateable<StepsTable> = {};
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.attempts !== undefined) set.attempts = patch.attempts;
    if (patch.maxAttempts !== undefined) set.max_attempts = patch.maxAttempts;
    if (patch.input !== undefined) set.input = json(patch.input);
    if (patch.output !== undefined) set.output = json(patch.output);
    if (patch.error !== undefined) set.error = json(patch.error);
    if (patch.handle !== undefined) set.handle = patch.handle;
    if (patch.startedAt !== undefined) set.started_at = patch.startedAt;
    if (patch.finishedAt !== undefined) set.finished_at = patch.finishedAt;
    if (patch.attemptLog !== undefined) set.attempt_log = JSON.stringify(patch.attemptLog);
    if (patch.jobId !== undefined) set.job_id = patch.jobId;
    if (patch.runToken !== undefined) set.run_token = patch.runToken;
    if (patch.resumeAt !== undefined) set.resume_at = patch.resumeAt;
    await this.trx
      .updateTable('steps')
      .set({ ...set, updated_at: sql<Date>`clock_timestamp()` })
      .where('execution_id', '=', executionId)
      .where('node_id', 'in', nodeIds)
      .execute();
  }

  async emit<T extends EventType>(
    type: T,
    data: EventData<T>,
    opts: { correlationId?: string } = {},
  ): Promise<void> {
    // No consumer routed (and not `all`): an outbox row, a NOTIFY and the relays' round trips
    // per execution for nobody (the tests run with `all` check the data of every event).
    if (!this.written(type)) return;
    // createEvent validates the data against the catalog: a bad event fails the whole transaction.
    const event = createEvent(type, data, {
      source: EVENT_SOURCE,
      correlationId: opts.correlationId,
    }) as PlatformEvent;
    await appendToOutbox(this.trx, this.schema, [event]);
  }

  async unfinishedOfWorkflow(workflowId: string, ownerId: string): Promise<string[]> {
    const rows = await this.trx
      .selectFrom('executions')
      .select('id')
      .where('workflow_id', '=', workflowId)
      .where('owner_id', '=', ownerId)
      .where('status', 'in', ['queued', 'running'])
      .execute();
    return rows.map((r) => r.id);
  }
}

/** A step's node and the columns a run changes, as a jsonb_to_recordset row (snake_case). */
function stepStateColumns(s: Step) {
  return {
    node_id: s.nodeId,
    status: s.status,
    attempts: s.attempts,
    input: s.input ?? null,
    output: s.output ?? null,
    error: s.error ?? null,
    handle: s.handle,
    started_at: s.startedAt,
    finished_at: s.finishedAt,
    attempt_log: s.attemptLog,
    job_id: s.jobId,
    run_token: s.runToken,
    resume_at: s.resumeAt,
  };
}

/**
 * The INSERT of an execution's row, returning its id and revision, or nothing when either
 * conflict (same id, or same idempotency key of the workflow) says the trigger already has its
 * execution.
 */
function insertExecutionSql(e: Execution) {
  return sql<{ id: string; revision: string }>`
    insert into executions (${EXECUTION_COLUMNS})
    select ${EXECUTION_VALUES}
    from jsonb_to_recordset(${JSON.stringify([executionRecord(e)])}::jsonb) as x(${EXECUTION_FIELDS})
    on conflict do nothing
    returning id, updated_at::text as revision`;
}

/**
 * An execution's row as `EXECUTION_FIELDS` reads it from JSON: the JSON columns as text, so that
 * a JSON null stays a JSON null (not an SQL NULL).
 */
function executionRecord(e: Execution) {
  return {
    id: e.id,
    owner_id: e.ownerId,
    workflow_id: e.workflowId,
    version: e.version,
    mode: e.mode,
    status: e.status,
    idempotency_key: e.idempotencyKey,
    trigger_node_id: e.triggerNodeId,
    trigger_payload: json(e.triggerPayload),
    trigger_payload_ref: json(e.triggerPayloadRef ?? undefined),
    graph: JSON.stringify(e.graph),
    error: json(e.error),
    step_test: json(e.stepTest ?? undefined),
    correlation_id: e.correlationId,
    retries: e.retries,
    created_at: e.createdAt,
    started_at: e.startedAt,
    finished_at: e.finishedAt,
  };
}

const EXECUTION_COLUMNS = sql.raw(`id, owner_id, workflow_id, version, mode, status,
  idempotency_key, trigger_node_id, trigger_payload, trigger_payload_ref, graph, error, step_test,
  correlation_id, retries, created_at, started_at, finished_at`);
const EXECUTION_VALUES = sql.raw(`id, owner_id, workflow_id, version, mode, status,
  idempotency_key, trigger_node_id, trigger_payload::jsonb, trigger_payload_ref::jsonb,
  graph::jsonb, error::jsonb, step_test::jsonb, correlation_id, retries, created_at, started_at,
  finished_at`);
const EXECUTION_FIELDS = sql.raw(`id uuid, owner_id uuid, workflow_id uuid, version integer,
  mode text, status text, idempotency_key text, trigger_node_id text, trigger_payload text,
  trigger_payload_ref text, graph text, error text, step_test text, correlation_id text,
  retries integer, created_at timestamptz, started_at timestamptz, finished_at timestamptz`);

/**
 * The INSERT of the steps of the execution `executions` names (a relation with its `id`), in the
 * transaction's start; the batched start inserts the same row shape (`STEP_RECORD`).
 */
function insertStepsSql(executions: RawBuilder<unknown>, steps: Step[]) {
  return sql`
    insert into steps (${STEP_INSERT_COLUMNS})
    select x.id, ${STEP_RECORD_COLUMNS}
    from ${executions} x,
      jsonb_to_recordset(${JSON.stringify(steps.map(stepInsertRow))}::jsonb) as ${STEP_RECORD}`;
}

/** A new step's row as `STEP_RECORD` reads it from JSON. */
function stepInsertRow(s: Step) {
  return {
    ...stepStateColumns(s),
    type: s.type,
    max_attempts: s.maxAttempts,
    retry_policy: s.retryPolicy,
  };
}

const STEP_INSERT_COLUMNS = sql.raw(`execution_id, node_id, type, status, attempts, max_attempts,
  retry_policy, input, output, error, handle, started_at, finished_at, attempt_log, job_id,
  run_token, resume_at`);
const STEP_RECORD_COLUMNS = sql.raw(`v.node_id, v.type, v.status, v.attempts, v.max_attempts,
  v.retry_policy, v.input, v.output, v.error, v.handle, v.started_at, v.finished_at,
  v.attempt_log, v.job_id, v.run_token, v.resume_at`);
const STEP_RECORD = sql.raw(`v(node_id text, type text, status text, attempts integer,
  max_attempts integer, retry_policy jsonb, input jsonb, output jsonb, error jsonb, handle text,
  started_at timestamptz, finished_at timestamptz, attempt_log jsonb, job_id text, run_token uuid,
  resume_at timestamptz)`);

/** An UPDATE writing these steps' rows of the execution `executionId` (an SQL value) as given. */
function saveStepsSql(executionId: RawBuilder<unknown>, steps: Step[]) {
  const rows = steps.map(stepStateColumns);
  return sql`
    update steps s set status = v.status, attempts = v.attempts, input = v.input,
      output = v.output, error = v.error, handle = v.handle, started_at = v.started_at,
      finished_at = v.finished_at, attempt_log = v.attempt_log, job_id = v.job_id,
      run_token = v.run_token, resume_at = v.resume_at, updated_at = clock_timestamp()
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(node_id text, status text,
      attempts integer, input jsonb, output jsonb, error jsonb, handle text,
      started_at timestamptz, finished_at timestamptz, attempt_log jsonb, job_id text,
      run_token uuid, resume_at timestamptz)
    where s.execution_id = ${executionId} and s.node_id = v.node_id`;
}

async function stepsOf(db: Kysely<ExecutionDb>, executionId: string): Promise<Step[]> {
  if (!UUID.test(executionId)) return [];
  const rows = await db
    .selectFrom('steps')
    .selectAll()
    .where('execution_id', '=', executionId)
    .orderBy('node_id')
    .execute();
  return rows.map(rowToStep);
}

type ExecutionRow = Omit<
  Selectable<ExecutionsTable>,
  'graph' | 'trigger_payload' | 'trigger_payload_ref'
> & {
  graph: unknown;
  trigger_payload: unknown;
  trigger_payload_ref: unknown;
};

function rowToExecution(row: ExecutionRow): Execution {
  return {
    id: row.id,
    ownerId: row.owner_id,
    workflowId: row.workflow_id,
    version: row.version,
    mode: row.mode as TriggerMode,
    status: row.status as ExecutionStatus,
    idempotencyKey: row.idempotency_key,
    triggerNodeId: row.trigger_node_id,
    triggerPayload: row.trigger_payload ?? null,
    triggerPayloadRef: (row.trigger_payload_ref ?? null) as PayloadRef | null,
    graph: (row.graph ?? { nodes: [], edges: [] }) as WorkflowGraph,
    error: (row.error ?? null) as ExecutionError | null,
    stepTest: (row.step_test ?? null) as StepTest | null,
    correlationId: row.correlation_id,
    retries: row.retries,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
  };
}

/** A steps row as `json_agg` gives it: its timestamps are strings. */
type StepJsonRow = Omit<
  Selectable<StepsTable>,
  'started_at' | 'finished_at' | 'resume_at' | 'updated_at'
> & {
  started_at: string | null;
  finished_at: string | null;
  resume_at: string | null;
  updated_at: string;
};

const dateOrNull = (value: string | null) => (value === null ? null : new Date(value));

function jsonRowToStep(row: StepJsonRow): Step {
  return rowToStep({
    ...row,
    started_at: dateOrNull(row.started_at),
    finished_at: dateOrNull(row.finished_at),
    resume_at: dateOrNull(row.resume_at),
    updated_at: new Date(row.updated_at),
  });
}

function rowToStep(row: Selectable<StepsTable>): Step {
  return {
    executionId: row.execution_id,
    nodeId: row.node_id,
    type: row.type,
    status: row.status as StepStatus,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    retryPolicy: row.retry_policy as RetryPolicy,
    input: row.input ?? null,
    output: row.output ?? null,
    error: (row.error ?? null) as StepError | null,
    handle: row.handle,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    attemptLog: (row.attempt_log ?? []) as AttemptLogEntry[],
    jobId: row.job_id,
    runToken: row.run_token,
    resumeAt: row.resume_at,
  };
}
