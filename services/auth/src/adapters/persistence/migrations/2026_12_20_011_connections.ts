import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Connections: a user's credentials for outside services. `secrets_sealed` is envelope-encrypted
 * (a data key per record, bound to the row's id); no other column holds anything secret.
 */
export const connectionsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table connections (
        id uuid primary key,
        owner_id uuid not null references users(id) on delete cascade,
        provider text not null,
        name text not null,
        account text,
        scopes text[] not null default '{}',
        status text not null default 'healthy'
          check (status in ('healthy', 'expired', 'revoked', 'error')),
        status_reason text,
        secrets_sealed text not null,
        expires_at timestamptz,
        retry_after timestamptz,
        last_used_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`.execute(db);
    await sql`create index connections_owner_idx on connections (owner_id, created_at desc)`.execute(
      db,
    );
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table connections`.execute(db);
  },
};
