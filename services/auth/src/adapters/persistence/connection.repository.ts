import { sql, type Kysely, type Transaction } from 'kysely';
import type { ConnectionProvider, ConnectionStatus, PlatformEvent } from '@flowgenie/contracts';
import { createEvent } from '@flowgenie/messaging';
import { appendToOutbox } from '@flowgenie/messaging/outbox';
import type { Connection } from '../../domain/connections/connection';
import type {
  ConnectionPatch,
  ConnectionRepository,
  StoredConnection,
} from '../../ports/connection-repository';
import type { AuthDb, ConnectionRow } from './auth.tables';

/** `source` of the events this service emits. */
export const EVENT_SOURCE = 'auth';
const SCHEMA = 'auth';

function toStored(row: ConnectionRow): StoredConnection {
  const connection: Connection = {
    id: row.id,
    ownerId: row.owner_id,
    provider: row.provider as ConnectionProvider,
    name: row.name,
    account: row.account,
    scopes: row.scopes,
    status: row.status as ConnectionStatus,
    statusReason: row.status_reason,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    createdAt: row.created_at,
    retryAfter: row.retry_after,
  };
  return { connection, sealedSecrets: row.secrets_sealed };
}

function columnsOf(patch: ConnectionPatch) {
  return {
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.account !== undefined ? { account: patch.account } : {}),
    ...(patch.scopes !== undefined ? { scopes: patch.scopes } : {}),
    ...(patch.status !== undefined ? { status: patch.status } : {}),
    ...(patch.statusReason !== undefined ? { status_reason: patch.statusReason } : {}),
    ...(patch.expiresAt !== undefined ? { expires_at: patch.expiresAt } : {}),
    ...(patch.retryAfter !== undefined ? { retry_after: patch.retryAfter } : {}),
    ...(patch.sealedSecrets !== undefined ? { secrets_sealed: patch.sealedSecrets } : {}),
    updated_at: sql<Date>`now()`,
  };
}

/**
 * Connections in Postgres. Every statement has `owner_id = $owner`; the renewal lock is the row's
 * `FOR UPDATE` lock, so one auth process at a time renews a connection.
 */
export class PgConnectionRepository implements ConnectionRepository {
  constructor(private readonly db: Kysely<AuthDb>) {}

  async list(ownerId: string): Promise<Connection[]> {
    const rows = await this.db
      .selectFrom('connections')
      .selectAll()
      .where('owner_id', '=', ownerId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map((r) => toStored(r).connection);
  }

  async find(ownerId: string, id: string): Promise<StoredConnection | undefined> {
    const row = await this.db
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', id)
      .where('owner_id', '=', ownerId)
      .executeTakeFirst();
    return row && toStored(row);
  }

  async create(c: Connection, sealedSecrets: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('connections')
        .values({
          id: c.id,
          owner_id: c.ownerId,
          provider: c.provider,
          name: c.name,
          account: c.account,
          scopes: c.scopes,
          status: c.status,
          status_reason: c.statusReason,
          secrets_sealed: sealedSecrets,
          expires_at: c.expiresAt,
          retry_after: c.retryAfter,
          last_used_at: c.lastUsedAt,
          created_at: c.createdAt,
        })
        .execute();
      await emit(trx, 'connection.created', {
        connectionId: c.id,
        ownerId: c.ownerId,
        provider: c.provider,
      });
    });
  }

  async update(ownerId: string, id: string, patch: ConnectionPatch): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('connections')
        .select(['status', 'provider'])
        .where('id', '=', id)
        .where('owner_id', '=', ownerId)
        .forUpdate()
        .executeTakeFirst();
      if (!before) return false;
      await applyPatch(trx, ownerId, id, before, patch);
      return true;
    });
  }

  async delete(ownerId: string, id: string, provider: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const deleted = await trx
        .deleteFrom('connections')
        .where('id', '=', id)
        .where('owner_id', '=', ownerId)
        .executeTakeFirst();
      if (deleted.numDeletedRows === 0n) return false;
      await emit(trx, 'connection.revoked', { connectionId: id, ownerId, provider });
      return true;
    });
  }

  async withRenewalLock<T>(
    ownerId: string,
    id: string,
    fn: (current: StoredConnection) => Promise<{ patch?: ConnectionPatch; result: T }>,
  ): Promise<T | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('connections')
        .selectAll()
        .where('id', '=', id)
        .where('owner_id', '=', ownerId)
        .forUpdate()
        .executeTakeFirst();
      if (!row) return undefined;
      const { patch, result } = await fn(toStored(row));
      if (patch) await applyPatch(trx, ownerId, id, row, patch);
      return result;
    });
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.db
      .updateTable('connections')
      .set({ last_used_at: at })
      .where('id', '=', id)
      .execute();
  }
}

async function applyPatch(
  trx: Transaction<AuthDb>,
  ownerId: string,
  id: string,
  before: { status: string; provider: string },
  patch: ConnectionPatch,
): Promise<void> {
  await trx
    .updateTable('connections')
    .set(columnsOf(patch))
    .where('id', '=', id)
    .where('owner_id', '=', ownerId)
    .execute();
  if (patch.status === 'revoked' && before.status !== 'revoked') {
    await emit(trx, 'connection.revoked', { connectionId: id, ownerId, provider: before.provider });
  }
  // A reconnect (same id) makes it usable again: triggers paused on it resume.
  if (patch.status === 'healthy' && before.status !== 'healthy') {
    await emit(trx, 'connection.created', { connectionId: id, ownerId, provider: before.provider });
  }
}

async function emit(
  trx: Transaction<AuthDb>,
  type: 'connection.created' | 'connection.revoked',
  data: { connectionId: string; ownerId: string; provider: string },
): Promise<void> {
  await appendToOutbox(trx, SCHEMA, [
    createEvent(type, data, { source: EVENT_SOURCE }) as PlatformEvent,
  ]);
}
