import { sql, type Migration } from 'kysely';
import {
  messagingMigration,
  messagingRetentionMigration,
  outboxHoldMigration,
} from '@flowgenie/messaging/outbox';
import type { Migrations } from '@flowgenie/platform';
import { oneExpressionSyntaxMigration } from './2026_12_01_002_one_expression_syntax';
import { stepTestMigration } from './2026_12_01_003_step_test';

const executions: Migration = {
  async up(db) {
    await sql`
      create table executions (
        id uuid primary key,
        owner_id uuid not null,
        workflow_id uuid not null,
        version integer,
        mode text not null check (mode in ('webhook', 'schedule', 'manual')),
        status text not null check (status in ('queued', 'running', 'succeeded', 'failed', 'canceled')),
        idempotency_key text not null,
        trigger_node_id text not null,
        trigger_payload jsonb,
        graph jsonb not null,
        error jsonb,
        correlation_id text not null,
        retries integer not null default 0,
        created_at timestamptz not null,
        started_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz not null default clock_timestamp(),
        constraint executions_idempotency_key unique (workflow_id, idempotency_key)
      )`.execute(db);
    // Newest-first keyset pagination per owner, optionally per workflow.
    await sql`create index executions_owner_created on executions (owner_id, created_at desc, id desc)`.execute(
      db,
    );
    await sql`create index executions_workflow_created on executions (workflow_id, created_at desc, id desc)`.execute(
      db,
    );
    // The reaper's scan.
    await sql`create index executions_unfinished on executions (updated_at) where status in ('queued', 'running')`.execute(
      db,
    );
    await sql`
      create table steps (
        execution_id uuid not null references executions (id) on delete cascade,
        node_id text not null,
        type text not null,
        status text not null check (status in ('pending', 'queued', 'running', 'retrying', 'succeeded', 'failed', 'skipped', 'canceled', 'waiting')),
        attempts integer not null default 0,
        max_attempts integer not null,
        retry_policy jsonb not null,
        input jsonb,
        output jsonb,
        error jsonb,
        handle text,
        started_at timestamptz,
        finished_at timestamptz,
        attempt_log jsonb not null default '[]',
        job_id text,
        run_token uuid,
        resume_at timestamptz,
        updated_at timestamptz not null default clock_timestamp(),
        primary key (execution_id, node_id)
      )`.execute(db);
  },
  async down(db) {
    await sql`drop table steps`.execute(db);
    await sql`drop table executions`.execute(db);
  },
};

/** A trigger payload stored in the payload store (claim check): the execution keeps its reference. */
const triggerPayloadRef: Migration = {
  async up(db) {
    await sql`alter table executions add column trigger_payload_ref jsonb`.execute(db);
  },
  async down(db) {
    await sql`alter table executions drop column trigger_payload_ref`.execute(db);
  },
};

/** Polling triggers (`poll`) and pushed provider events (`event`) are told apart from schedules and webhooks. */
const pollAndEventModes: Migration = {
  async up(db) {
    await sql`alter table executions drop constraint executions_mode_check`.execute(db);
    await sql`alter table executions add constraint executions_mode_check
      check (mode in ('webhook', 'schedule', 'manual', 'poll', 'event'))`.execute(db);
  },
  async down(db) {
    await sql`update executions set mode = 'schedule' where mode = 'poll'`.execute(db);
    await sql`update executions set mode = 'webhook' where mode = 'event'`.execute(db);
    await sql`alter table executions drop constraint executions_mode_check`.execute(db);
    await sql`alter table executions add constraint executions_mode_check
      check (mode in ('webhook', 'schedule', 'manual'))`.execute(db);
  },
};

/** Finished executions by their end, for the history's retention (EXECUTIONS_RETENTION_DAYS). */
const finishedExecutions: Migration = {
  async up(db) {
    await sql`create index if not exists executions_finished on executions (finished_at)
      where finished_at is not null`.execute(db);
  },
  async down(db) {
    await sql`drop index executions_finished`.execute(db);
  },
};

export const migrations: Migrations = {
  '2026_11_26_000_messaging': messagingMigration,
  '2026_11_26_001_executions': executions,
  '2026_12_01_000_trigger_payload_ref': triggerPayloadRef,
  '2026_12_01_001_poll_and_event_modes': pollAndEventModes,
  '2026_12_01_002_one_expression_syntax': oneExpressionSyntaxMigration,
  '2026_12_01_003_step_test': stepTestMigration,
  '2026_12_21_000_outbox_hold': outboxHoldMigration,
  '2026_12_22_000_messaging_retention': messagingRetentionMigration,
  '2026_12_22_001_finished_executions': finishedExecutions,
};
