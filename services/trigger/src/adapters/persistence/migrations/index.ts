import { sql, type Migration } from 'kysely';
import {
  messagingMigration,
  messagingRetentionMigration,
  outboxHoldMigration,
} from '@flowgenie/messaging/outbox';
import type { Migrations } from '@flowgenie/platform';

const triggerTables: Migration = {
  async up(db) {
    await sql`
      create table triggers (
        workflow_id uuid primary key,
        owner_id uuid not null,
        version integer not null,
        hook_id text not null unique,
        type text not null,
        config jsonb not null,
        graph jsonb not null,
        name text not null,
        active boolean not null,
        updated_at timestamptz not null
      )`.execute(db);
    await sql`
      create table firings (
        workflow_id uuid not null,
        idempotency_key text not null,
        execution_id uuid not null unique,
        created_at timestamptz not null default now(),
        constraint firings_workflow_key unique (workflow_id, idempotency_key)
      )`.execute(db);
    await sql`create index firings_created_at on firings (created_at)`.execute(db);
  },
  async down(db) {
    await sql`drop table firings`.execute(db);
    await sql`drop table triggers`.execute(db);
  },
};

const integrationTriggers: Migration = {
  async up(db) {
    await sql`
      create table trigger_states (
        workflow_id uuid primary key,
        type text not null,
        connection_id uuid,
        status text not null check (status in ('active', 'paused')),
        reason text,
        cursor_key text not null,
        cursor jsonb,
        generation integer not null default 0,
        team_id text,
        last_polled_at timestamptz,
        last_error text,
        updated_at timestamptz not null
      )`.execute(db);
    await sql`create index trigger_states_connection on trigger_states (connection_id)`.execute(db);
    await sql`
      create table slack_events (
        event_id text primary key,
        team_id text not null,
        body jsonb not null,
        received_at timestamptz not null default now(),
        processed_at timestamptz
      )`.execute(db);
    await sql`create index slack_events_unprocessed on slack_events (received_at) where processed_at is null`.execute(
      db,
    );
  },
  async down(db) {
    await sql`drop table slack_events`.execute(db);
    await sql`drop table trigger_states`.execute(db);
  },
};

/**
 * What a schedule tick needs besides the row, kept at activation so ticks fire in one statement
 * built in the database. Rows from before stay null and fire the general way until reactivated.
 */
const scheduleFiringBasis: Migration = {
  async up(db) {
    await sql`alter table triggers add column schedule_firing jsonb, add column graph_bytes integer`.execute(
      db,
    );
  },
  async down(db) {
    await sql`alter table triggers drop column schedule_firing, drop column graph_bytes`.execute(
      db,
    );
  },
};

/** Migrations of the `trigger` schema, applied in name order. */
export const migrations: Migrations = {
  '2026_11_26_000_messaging': messagingMigration,
  '2026_11_26_001_triggers_and_firings': triggerTables,
  '2026_12_01_001_integration_triggers': integrationTriggers,
  '2026_12_02_001_schedule_firing_basis': scheduleFiringBasis,
  '2026_12_21_000_outbox_hold': outboxHoldMigration,
  '2026_12_22_000_messaging_retention': messagingRetentionMigration,
};
