import type { Generated, JSONColumnType } from 'kysely';
import type { WorkflowGraph } from '@flowgenie/contracts';
import type { MessagingTables } from '@flowgenie/messaging/outbox';
import type { ScheduleFiringBasis } from '../../domain/trigger';

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
  /** A schedule's {@link ScheduleFiringBasis}: null for other triggers and rows stored before it. */
  schedule_firing: JSONColumnType<ScheduleFiringBasis | null, string | null, string | null>;
  /** The graph's size as JSON text in bytes (null for rows stored before it was kept). */
  graph_bytes: number | null;
}

export interface FiringsTable {
  workflow_id: string;
  idempotency_key: string;
  execution_id: string;
  created_at: Generated<Date>;
}

/**
 * Per-workflow state of an integration trigger (Gmail, Calendar, Slack): whether it runs or is
 * paused (and why), the provider cursor of a polling trigger, and what it was last told.
 */
export interface TriggerStatesTable {
  workflow_id: string;
  type: string;
  connection_id: string | null;
  status: 'active' | 'paused';
  reason: string | null;
  /** What the cursor was made for (type, connection, search…): a different key starts afresh. */
  cursor_key: string;
  cursor: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  /** Bumped on every cursor write; a poll saves its cursor only over the generation it read. */
  generation: number;
  /** Slack: the connection's workspace (team id), learnt once. */
  team_id: string | null;
  last_polled_at: Date | null;
  last_error: string | null;
  updated_at: Date;
}

/** Slack Events API deliveries, kept by event_id so Slack's retries run nothing twice. */
export interface SlackEventsTable {
  event_id: string;
  team_id: string;
  body: JSONColumnType<Record<string, unknown>>;
  received_at: Generated<Date>;
  /** Set once every matching trigger has fired; unprocessed rows are picked up after a restart. */
  processed_at: Date | null;
}

export interface TriggerDb extends MessagingTables {
  triggers: TriggersTable;
  firings: FiringsTable;
  trigger_states: TriggerStatesTable;
  slack_events: SlackEventsTable;
}
