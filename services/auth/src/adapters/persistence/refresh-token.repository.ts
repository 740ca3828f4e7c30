import type { Kysely } from 'kysely';
import type {
  FamilyRevocationReason,
  RefreshTokenRepository,
  StoredRefreshToken,
} from '../../ports/refresh-token-repository';
import type { AuthDb } from './auth.tables';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class PgRefreshTokenRepository implements RefreshTokenRepository {
  constructor(private readonly db: Kysely<AuthDb>) {}

  async startFamily(input: {
    userId: string;
    tokenHash: string;
    issuedAt: Date;
    expiresAt: Date;
  }): Promise<string> {
    return this.db.transaction().execute(async (trx) => {
      const family = await trx
        .insertInto('refresh_token_families')
        .values({ user_id: input.userId })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('refresh_tokens')
        .values({
          family_id: family.id,
          token_hash: input.tokenHash,
          issued_at: input.issuedAt,
          expires_at: input.expiresAt,
        })
        .execute();
      return family.id;
    });
  }

  async findByHash(tokenHash: string): Promise<StoredRefreshToken | null> {
    const row = await this.db
      .selectFrom('refresh_tokens as t')
      .innerJoin('refresh_token_families as f', 'f.id', 't.family_id')
      .select(['t.id', 't.family_id', 'f.user_id', 't.used_at', 't.expires_at', 'f.revoked_at'])
      .where('t.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row) return null;
    return {
      id: row.id,
      familyId: row.family_id,
      userId: row.user_id,
      usedAt: row.used_at,
      expiresAt: row.expires_at,
      familyRevokedAt: row.revoked_at,
    };
  }

  async rotate(
    tokenId: string,
    next: { tokenHash: string; issuedAt: Date; expiresAt: Date },
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      // The conditional update is the lock: of two concurrent rotations of one token, one matches.
      const used = await trx
        .updateTable('refresh_tokens')
        .set({ used_at: next.issuedAt })
        .where('id', '=', tokenId)
        .where('used_at', 'is', null)
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('refresh_token_families as f')
              .select('f.id')
              .whereRef('f.id', '=', 'refresh_tokens.family_id')
              .where('f.revoked_at', 'is', null),
          ),
        )
        .returning('family_id')
        .executeTakeFirst();
      if (!used) return false;
      await trx
        .insertInto('refresh_tokens')
        .values({
          family_id: used.family_id,
          token_hash: next.tokenHash,
          issued_at: next.issuedAt,
          expires_at: next.expiresAt,
        })
        .execute();
      return true;
    });
  }

  async addToFamily(
    familyId: string,
    next: { tokenHash: string; issuedAt: Date; expiresAt: Date },
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      // Locks the family row: a revocation running now either lands first (we add nothing) or waits for us.
      const family = await trx
        .selectFrom('refresh_token_families')
        .select('id')
        .where('id', '=', familyId)
        .where('revoked_at', 'is', null)
        .forUpdate()
        .executeTakeFirst();
      if (!family) return false;
      await trx
        .insertInto('refresh_tokens')
        .values({
          family_id: familyId,
          token_hash: next.tokenHash,
          issued_at: next.issuedAt,
          expires_at: next.expiresAt,
        })
        .execute();
      return true;
    });
  }

  async revokeFamily(
    familyId: string,
    reason: FamilyRevocationReason,
    at: Date,
    userId?: string,
  ): Promise<void> {
    // A malformed id names no family; asking Postgres would be a cast error.
    if (!UUID.test(familyId)) return;
    let query = this.db
      .updateTable('refresh_token_families')
      .set({ revoked_at: at, revoked_reason: reason })
      .where('id', '=', familyId)
      .where('revoked_at', 'is', null);
    if (userId) query = query.where('user_id', '=', userId);
    await query.execute();
  }
}
