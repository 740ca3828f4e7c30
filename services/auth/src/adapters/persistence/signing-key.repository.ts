import { sql, type Kysely } from 'kysely';
import type { SigningKeyStore, StoredSigningKey } from '../../ports/signing-key-store';
import type { AuthDb, SigningKeyRow } from './auth.tables';

/** Any constant shared by every auth process: they serialise key creation on it. */
const CREATE_KEY_LOCK = 0x6667_6175; // 'fgau'

function rowToKey(row: SigningKeyRow): StoredSigningKey {
  return {
    kid: row.kid,
    alg: row.alg,
    publicJwk: row.public_jwk,
    sealedPrivateJwk: row.private_jwk_sealed,
    createdAt: row.created_at,
  };
}

export class PgSigningKeyStore implements SigningKeyStore {
  constructor(private readonly db: Kysely<AuthDb>) {}

  async listPublished(): Promise<StoredSigningKey[]> {
    const rows = await this.db
      .selectFrom('signing_keys')
      .selectAll()
      .where('retired_at', 'is', null)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(rowToKey);
  }

  async activeOrCreate(create: () => Promise<StoredSigningKey>): Promise<StoredSigningKey> {
    return this.db.transaction().execute(async (trx) => {
      // Two processes booting at once on an empty table must not both create a key.
      await sql`select pg_advisory_xact_lock(${CREATE_KEY_LOCK})`.execute(trx);
      const existing = await trx
        .selectFrom('signing_keys')
        .selectAll()
        .where('retired_at', 'is', null)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (existing) return rowToKey(existing);
      const key = await create();
      const row = await trx
        .insertInto('signing_keys')
        .values({
          kid: key.kid,
          alg: key.alg,
          public_jwk: JSON.stringify(key.publicJwk),
          private_jwk_sealed: key.sealedPrivateJwk,
          created_at: key.createdAt,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return rowToKey(row);
    });
  }
}
