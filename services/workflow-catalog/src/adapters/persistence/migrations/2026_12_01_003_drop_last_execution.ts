import { sql, type Migration } from 'kysely';

/**
 * The last run is no longer kept here (it was fed by every execution event): the execution
 * service, which owns executions, answers it per list page.
 */
export const dropLastExecutionMigration: Migration = {
  async up(db) {
    await sql`alter table workflows
      drop column last_execution_id,
      drop column last_execution_status,
      drop column last_execution_at`.execute(db);
  },
  async down(db) {
    await sql`alter table workflows
      add column last_execution_id uuid,
      add column last_execution_status text,
      add column last_execution_at timestamptz`.execute(db);
  },
};
