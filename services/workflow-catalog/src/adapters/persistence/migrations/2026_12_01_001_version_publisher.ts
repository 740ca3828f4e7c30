import { sql, type Migration } from 'kysely';

/** Who published each version (the version history shows it); older versions stay null. */
export const versionPublisherMigration: Migration = {
  async up(db) {
    // The immutability trigger guards updates only: adding a nullable column rewrites nothing.
    await sql`alter table workflow_versions add column published_by text`.execute(db);
  },
  async down(db) {
    await sql`alter table workflow_versions drop column published_by`.execute(db);
  },
};
