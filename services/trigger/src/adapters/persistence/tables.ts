import type { Generated, JSONColumnType } from 'kysely';
import type { WorkflowGraph } from '@flowgenie/contracts';
import type { MessagingTables } from '@flowgenie/messaging/outbox';

/** The Postgres schema every table of this service lives in. */
export const TRIGGER_SCHEMA = 'trigger';

export interface TriggersTable {
  workflow_id: string;
  owner_id: string;
  version: number;
  hook_id: string;
  /** The trigger node's type: webhook, schedule, manual (or `none`). */
  type: string;
  /** The trigger node's raw config, read with the node type's schema when used. */
  config: JSONColumnType<Record<string, unknown>>;
  graph: JSONColumnType<WorkflowGraph>;
  name: string;
  active: boolean;
  /** Time of the catalog event this state comes from (orders out-of-order deliveries). */
  updated_at: Date;
}

export interface FiringsTable {
  workflow_id: string;
  idempotency_key: string;
  execution_id: string;
  created_at: Generated<Date>;
}

export interface TriggerDb extends MessagingTables {
  triggers: TriggersTable;
  firings: FiringsTable;
}
