import type { JSONColumnType } from 'kysely';
import type { WorkflowGraph } from '@flowgenie/contracts';
import type { MessagingTables } from '@flowgenie/messaging/outbox';

/** The Postgres schema this service owns. */
export const CATALOG_SCHEMA = 'workflow_catalog';

export interface WorkflowsTable {
  id: string;
  owner_id: string;
  name: string;
  description: string;
  graph: JSONColumnType<WorkflowGraph>;
  hook_id: string;
  active: boolean;
  active_version: number | null;
  latest_version: number | null;
  draft_changed_since_publish: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface WorkflowVersionsTable {
  workflow_id: string;
  version: number;
  graph: JSONColumnType<WorkflowGraph>;
  created_at: Date;
  published_by: string | null;
}

export interface CatalogDb extends MessagingTables {
  workflows: WorkflowsTable;
  workflow_versions: WorkflowVersionsTable;
}
