import { sql, type Kysely, type Migration } from 'kysely';

/**
 * What tokens exchanged from a key may do. Keys made before scopes existed keep what they could do,
 * minus key management (no key token may manage keys any more).
 */
export const apiKeyScopesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      alter table api_keys
        add column scopes text[] not null
          default array['workflows:read', 'workflows:write', 'executions:read', 'executions:write']`.execute(
      db,
    );
    await sql`alter table api_keys alter column scopes drop default`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`alter table api_keys drop column scopes`.execute(db);
  },
};
