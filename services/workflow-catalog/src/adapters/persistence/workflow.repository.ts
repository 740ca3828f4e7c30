import { type Kysely, type Selectable, type Transaction } from 'kysely';
import type { EventData, EventType, PlatformEvent } from '@flowgenie/contracts';
import { createEvent } from '@flowgenie/messaging';
import { appendToOutbox } from '@flowgenie/messaging/outbox';
import type { Workflow, WorkflowVersion } from '../../domain/workflow';
import type {
  VersionSummary,
  WorkflowListQuery,
  WorkflowStore,
  WorkflowTransaction,
} from '../../ports/workflow-store';
import { CATALOG_SCHEMA, type CatalogDb, type WorkflowsTable } from './workflow.table';

/** `source` of every event this service emits. */
export const EVENT_SOURCE = 'workflow-catalog';

type Executor = Kysely<CatalogDb> | Transaction<CatalogDb>;

/**
 * The WorkflowStore on Postgres (schema `workflow_catalog`). Events go to the outbox table in the
 * same transaction as the change they announce.
 */
export class PostgresWorkflowStore implements WorkflowStore {
  constructor(private readonly db: Kysely<CatalogDb>) {}

  async get(ownerId: string, id: string): Promise<Workflow | undefined> {
    return findWorkflow(this.db, ownerId, id, false);
  }

  async list(query: WorkflowListQuery): Promise<Workflow[]> {
    let q = this.db.selectFrom('workflows').selectAll().where('owner_id', '=', query.ownerId);
    if (query.nameContains) q = q.where('name', 'ilike', `%${escapeLike(query.nameContains)}%`);
    if (query.active !== undefined) q = q.where('active', '=', query.active);
    if (query.after) {
      const { updatedAt, id } = query.after;
      q = q.where((eb) => eb(eb.refTuple('updated_at', 'id'), '<', eb.tuple(updatedAt, id)));
    }
    const rows = await q
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit)
      .execute();
    return rows.map(rowToWorkflow);
  }

  async listVersions(workflowId: string): Promise<VersionSummary[]> {
    const rows = await this.db
      .selectFrom('workflow_versions')
      .select(['version', 'created_at', 'published_by'])
      .where('workflow_id', '=', workflowId)
      .orderBy('version', 'desc')
      .execute();
    return rows.map((r) => ({
      version: r.version,
      createdAt: r.created_at,
      publishedBy: r.published_by,
    }));
  }

  async getVersion(workflowId: string, version: number): Promise<WorkflowVersion | undefined> {
    return findVersion(this.db, workflowId, version);
  }

  async transaction<T>(fn: (tx: WorkflowTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(new PostgresWorkflowTransaction(trx)));
  }
}

class PostgresWorkflowTransaction implements WorkflowTransaction {
  constructor(private readonly trx: Transaction<CatalogDb>) {}

  getForUpdate(ownerId: string, id: string): Promise<Workflow | undefined> {
    return findWorkflow(this.trx, ownerId, id, true);
  }

  async insert(workflow: Workflow): Promise<void> {
    await this.trx
      .insertInto('workflows')
      .values({
        id: workflow.id,
        owner_id: workflow.ownerId,
        hook_id: workflow.hookId,
        created_at: workflow.createdAt,
        ...mutableColumns(workflow),
      })
      .execute();
  }

  async update(workflow: Workflow): Promise<void> {
    await this.trx
      .updateTable('workflows')
      .set(mutableColumns(workflow))
      .where('id', '=', workflow.id)
      .execute();
  }

  async remove(workflowId: string): Promise<void> {
    await this.trx.deleteFrom('workflows').where('id', '=', workflowId).execute();
  }

  async insertVersion(version: WorkflowVersion): Promise<void> {
    await this.trx
      .insertInto('workflow_versions')
      .values({
        workflow_id: version.workflowId,
        version: version.version,
        graph: JSON.stringify(version.graph),
        created_at: version.createdAt,
        published_by: version.publishedBy,
      })
      .execute();
  }

  getVersion(workflowId: string, version: number): Promise<WorkflowVersion | undefined> {
    return findVersion(this.trx, workflowId, version);
  }

  async emit<T extends EventType>(type: T, data: EventData<T>): Promise<void> {
    // createEvent validates the data against the catalog: a bad event fails the whole transaction.
    const event = createEvent(type, data, { source: EVENT_SOURCE }) as PlatformEvent;
    await appendToOutbox(this.trx, CATALOG_SCHEMA, [event]);
  }
}

async function findWorkflow(
  db: Executor,
  ownerId: string,
  id: string,
  lock: boolean,
): Promise<Workflow | undefined> {
  let q = db
    .selectFrom('workflows')
    .selectAll()
    .where('id', '=', id)
    .where('owner_id', '=', ownerId);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? rowToWorkflow(row) : undefined;
}

async function findVersion(
  db: Executor,
  workflowId: string,
  version: number,
): Promise<WorkflowVersion | undefined> {
  const row = await db
    .selectFrom('workflow_versions')
    .selectAll()
    .where('workflow_id', '=', workflowId)
    .where('version', '=', version)
    .executeTakeFirst();
  return row
    ? {
        workflowId: row.workflow_id,
        version: row.version,
        graph: row.graph,
        createdAt: row.created_at,
        publishedBy: row.published_by,
      }
    : undefined;
}

function mutableColumns(w: Workflow) {
  return {
    name: w.name,
    description: w.description,
    graph: JSON.stringify(w.graph),
    active: w.active,
    active_version: w.activeVersion,
    latest_version: w.latestVersion,
    draft_changed_since_publish: w.draftChangedSincePublish,
    updated_at: w.updatedAt,
  };
}

export function rowToWorkflow(row: Selectable<WorkflowsTable>): Workflow {
  return {
    id: row.id,
    ownerId: row.owner_id,
    name: row.name,
    description: row.description,
    graph: row.graph,
    hookId: row.hook_id,
    active: row.active,
    activeVersion: row.active_version,
    latestVersion: row.latest_version,
    draftChangedSincePublish: row.draft_changed_since_publish,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Makes `%`, `_` and `\` in a user's search text match themselves in ILIKE. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
