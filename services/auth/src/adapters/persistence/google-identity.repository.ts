import type { Kysely } from 'kysely';
import type { User } from '../../domain/user';
import type { GoogleIdentityRepository } from '../../ports/google-identity-repository';
import type { AuthDb } from './auth.tables';

const UNIQUE_VIOLATION = '23505';
const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === UNIQUE_VIOLATION;

export class PgGoogleIdentityRepository implements GoogleIdentityRepository {
  constructor(private readonly db: Kysely<AuthDb>) {}

  async userForSub(sub: string): Promise<User | null> {
    const row = await this.db
      .updateTable('google_identities')
      .set({ last_sign_in_at: new Date() })
      .from('users')
      .whereRef('users.id', '=', 'google_identities.user_id')
      .where('google_identities.sub', '=', sub)
      .returning(['users.id', 'users.email', 'users.created_at'])
      .executeTakeFirst();
    return row ? { id: row.id, email: row.email, createdAt: row.created_at } : null;
  }

  async findByEmail(email: string): Promise<{ user: User; hasPassword: boolean } | null> {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'email', 'created_at', 'password_hash'])
      .where('email', '=', email)
      .executeTakeFirst();
    return row
      ? {
          user: { id: row.id, email: row.email, createdAt: row.created_at },
          hasPassword: row.password_hash !== null,
        }
      : null;
  }

  async createUserWithIdentity(input: { email: string; sub: string }): Promise<User | null> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('users')
          .values({ email: input.email, password_hash: null })
          .returning(['id', 'email', 'created_at'])
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('google_identities')
          .values({
            sub: input.sub,
            user_id: row.id,
            email: input.email,
            last_sign_in_at: new Date(),
          })
          .execute();
        return { id: row.id, email: row.email, createdAt: row.created_at };
      });
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
  }

  async link(input: { userId: string; sub: string; email: string }): Promise<'linked' | 'taken'> {
    const inserted = await this.db
      .insertInto('google_identities')
      .values({ sub: input.sub, user_id: input.userId, email: input.email })
      .onConflict((oc) => oc.column('sub').doNothing())
      .returning('user_id')
      .executeTakeFirst();
    if (inserted) return 'linked';
    const existing = await this.db
      .selectFrom('google_identities')
      .select('user_id')
      .where('sub', '=', input.sub)
      .executeTakeFirst();
    return existing?.user_id === input.userId ? 'linked' : 'taken';
  }
}
