import { sql, type Migration } from 'kysely';

/**
 * A "Run this step" test run names the one step it ran (`{nodeId, name}`), so the execution
 * history can tell it from a whole test run. Null for every other execution, older ones included.
 */
export const stepTestMigration: Migration = {
  async up(db) {
    await sql`alter table executions add column step_test jsonb`.execute(db);
  },
  async down(db) {
    await sql`alter table executions drop column step_test`.execute(db);
  },
};
