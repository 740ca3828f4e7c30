import { sql, type Migration } from 'kysely';

export const workflowsMigration: Migration = {
  async up(db) {
    await sql`
      create table workflows (
        id uuid primary key,
        owner_id uuid not null,
        name text not null,
        description text not null default '',
        graph jsonb not null,
        hook_id text not null unique,
        active boolean not null default false,
        active_version integer,
        latest_version integer,
        draft_changed_since_publish boolean not null default true,
        last_execution_id uuid,
        last_execution_status text,
        last_execution_at timestamptz,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        constraint active_has_version check (active = (active_version is not null)),
        constraint active_version_published check (active_version is null or active_version <= latest_version)
      )`.execute(db);
    // The list: one owner's workflows, most recently changed first (keyset on updated_at, id).
    await sql`create index workflows_owner_updated on workflows (owner_id, updated_at desc, id desc)`.execute(
      db,
    );
    await sql`
      create table workflow_versions (
        workflow_id uuid not null references workflows (id) on delete cascade,
        version integer not null check (version > 0),
        graph jsonb not null,
        created_at timestamptz not null,
        primary key (workflow_id, version)
      )`.execute(db);
    // Published versions are immutable: executions must always run the exact graph they name.
    await sql`
      create function workflow_versions_immutable() returns trigger language plpgsql as $$
      begin
        raise exception 'workflow versions are immutable';
      end $$`.execute(db);
    await sql`
      create trigger workflow_versions_no_update before update on workflow_versions
      for each row execute function workflow_versions_immutable()`.execute(db);
  },
  async down(db) {
    await sql`drop table workflow_versions`.execute(db);
    await sql`drop function workflow_versions_immutable`.execute(db);
    await sql`drop table workflows`.execute(db);
  },
};
