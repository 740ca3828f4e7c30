import type { Kysely } from 'kysely';
import { RESOURCE_SCOPES, type ResourceScope } from '@flowgenie/contracts';
import type { ApiKey } from '../../domain/api-key';
import type { ApiKeyRepository } from '../../ports/api-key-repository';
import type { ApiKeyRow, AuthDb } from './auth.tables';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isResourceScope = (s: string): s is ResourceScope =>
  (RESOURCE_SCOPES as readonly string[]).includes(s);

function rowToApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes.filter(isResourceScope),
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

export class PgApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly db: Kysely<AuthDb>) {}

  async create(input: {
    userId: string;
    name: string;
    prefix: string;
    keyHash: string;
    scopes: ResourceScope[];
  }): Promise<ApiKey> {
    const row = await this.db
      .insertInto('api_keys')
      .values({
        user_id: input.userId,
        name: input.name,
        prefix: input.prefix,
        key_hash: input.keyHash,
        scopes: input.scopes,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return rowToApiKey(row);
  }

  async listActive(userId: string): Promise<ApiKey[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map(rowToApiKey);
  }

  async revoke(userId: string, id: string, at: Date): Promise<boolean> {
    // A malformed id names no key; asking Postgres would be a cast error, not a 404.
    if (!UUID.test(id)) return false;
    const result = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async findByHash(keyHash: string): Promise<ApiKey | null> {
    const row = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('key_hash', '=', keyHash)
      .executeTakeFirst();
    return row ? rowToApiKey(row) : null;
  }

  async markUsed(id: string, at: Date): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
  }
}
