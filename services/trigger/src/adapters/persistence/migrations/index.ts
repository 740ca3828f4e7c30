import { sql, type Migration } from 'kysely';
import { messagingMigration } from '@flowgenie/messaging/outbox';
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

/** Migrations of the `trigger` schema, applied in name order. */
export const migrations: Migrations = {
  '2026_11_26_000_messaging': messagingMigration,
  '2026_11_26_001_triggers_and_firings': triggerTables,
};
