import type { Kysely } from 'kysely';
import type { User, UserCredentials } from '../../domain/user';
import type { UserRepository } from '../../ports/user-repository';
import type { AuthDb, UserRow } from './auth.tables';

const UNIQUE_VIOLATION = '23505';

function rowToUser(row: Pick<UserRow, 'id' | 'email' | 'created_at'>): User {
  return { id: row.id, email: row.email, createdAt: row.created_at };
}

export class PgUserRepository implements UserRepository {
  constructor(private readonly db: Kysely<AuthDb>) {}

  async create(input: { email: string; passwordHash: string }): Promise<User | null> {
    try {
      const row = await this.db
        .insertInto('users')
        .values({ email: input.email, password_hash: input.passwordHash })
        .returning(['id', 'email', 'created_at'])
        .executeTakeFirstOrThrow();
      return rowToUser(row);
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) return null;
      throw err;
    }
  }

  async findCredentialsByEmail(email: string): Promise<UserCredentials | null> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirst();
    return row ? { user: rowToUser(row), passwordHash: row.password_hash } : null;
  }

  async findById(id: string): Promise<User | null> {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'email', 'created_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? rowToUser(row) : null;
  }
}
