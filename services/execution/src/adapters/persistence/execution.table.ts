import type { ColumnType, Generated } from 'kysely';
import type { MessagingTables } from '@flowgenie/messaging/outbox';

/** A jsonb column: read as parsed JSON, written as JSON text (see `json()`). */
type Json = ColumnType<unknown, string | null, string | null>;

export interface ExecutionsTable {
  id: string;
  owner_id: string;
  workflow_id: string;
  version: number | null;
  mode: string;
  status: string;
  idempotency_key: string;
  trigger_node_id: string;
  trigger_payload: Json;
  /** Where a large trigger payload is stored (then trigger_payload is null). */
  trigger_payload_ref: Json;
  graph: ColumnType<unknown, string, string>;
  error: Json;
  /** `{nodeId, name}` of a "Run this step" test run; null otherwise. */
  step_test: Json;
  correlation_id: string;
  retries: Generated<number>;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Generated<Date>;
}

export interface StepsTable {
  execution_id: string;
  node_id: string;
  type: string;
  status: string;
  attempts: Generated<number>;
  max_attempts: number;
  retry_policy: ColumnType<unknown, string, string>;
  input: Json;
  output: Json;
  error: Json;
  handle: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  attempt_log: ColumnType<unknown, string | undefined, string>;
  job_id: string | null;
  run_token: string | null;
  resume_at: Date | null;
  updated_at: Generated<Date>;
}

export interface ExecutionDb extends MessagingTables {
  executions: ExecutionsTable;
  steps: StepsTable;
}

/**
 * JSON text for a jsonb parameter. Always stringify: pg would send a JS array as a Postgres
 * array literal and a JS string as bare text, neither of which is JSON.
 */
export const json = (value: unknown): string | null =>
  value === undefined ? null : JSON.stringify(value);
