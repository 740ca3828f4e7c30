import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Sign in with Google: which FlowGenie user each Google account (its stable `sub`) signs in as.
 * A user made by Google sign-in has no password, so `users.password_hash` becomes nullable (password
 * sign-in refuses such a user like a wrong password).
 */
export const googleIdentitiesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table users alter column password_hash drop not null`.execute(db);
    await sql`
      create table google_identities (
        sub text primary key,
        user_id uuid not null references users (id) on delete cascade,
        email text not null,
        created_at timestamptz not null default now(),
        last_sign_in_at timestamptz
      )`.execute(db);
    await sql`create index google_identities_user on google_identities (user_id)`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table google_identities`.execute(db);
    await sql`delete from users where password_hash is null`.execute(db);
    await sql`alter table users alter column password_hash set not null`.execute(db);
  },
};
