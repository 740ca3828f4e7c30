import { sql, type Kysely, type Migration } from 'kysely';

export const authTablesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table users (
        id uuid primary key default gen_random_uuid(),
        email text not null,
        password_hash text not null,
        created_at timestamptz not null default now(),
        constraint users_email_unique unique (email),
        constraint users_email_normalised check (email = lower(btrim(email)))
      )`.execute(db);
    await sql`
      create table signing_keys (
        kid text primary key,
        alg text not null,
        public_jwk jsonb not null,
        private_jwk_sealed text not null,
        created_at timestamptz not null default now(),
        retired_at timestamptz
      )`.execute(db);
    await sql`
      create table refresh_token_families (
        id uuid primary key default gen_random_uuid(),
        user_id uuid not null references users (id) on delete cascade,
        created_at timestamptz not null default now(),
        revoked_at timestamptz,
        revoked_reason text
      )`.execute(db);
    await sql`create index refresh_token_families_user on refresh_token_families (user_id)`.execute(
      db,
    );
    await sql`
      create table refresh_tokens (
        id uuid primary key default gen_random_uuid(),
        family_id uuid not null references refresh_token_families (id) on delete cascade,
        token_hash text not null unique,
        issued_at timestamptz not null,
        expires_at timestamptz not null,
        used_at timestamptz
      )`.execute(db);
    await sql`create index refresh_tokens_family on refresh_tokens (family_id)`.execute(db);
    await sql`
      create table api_keys (
        id uuid primary key default gen_random_uuid(),
        user_id uuid not null references users (id) on delete cascade,
        name text not null,
        prefix text not null,
        key_hash text not null unique,
        created_at timestamptz not null default now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`.execute(db);
    await sql`create index api_keys_user on api_keys (user_id, created_at desc)`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    for (const table of [
      'api_keys',
      'refresh_tokens',
      'refresh_token_families',
      'signing_keys',
      'users',
    ]) {
      await sql`drop table ${sql.id(table)}`.execute(db);
    }
  },
};
