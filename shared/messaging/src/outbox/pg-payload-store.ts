import { sql, type Kysely } from 'kysely';
import type { Logger } from '@flowgenie/platform';
import type { PayloadStore } from '../payload-store';

/** The schema of the local payload store: shared by the producers and readers of claim checks. */
export const PAYLOAD_SCHEMA = 'payloads';

interface PayloadsDb {
  'payloads.payloads': {
    key: string;
    body: Buffer;
    bytes: number;
    created_at: Date;
    expires_at: Date;
  };
}

/** Advisory lock id that serialises the creation of the schema by services booting together. */
const CREATE_LOCK = 0x70_61_79_6c; // "payl"

/**
 * The local {@link PayloadStore}: one row per payload in `payloads.payloads` (bytea), in the
 * platform's database. A `put` is one committed statement, so it survives kill -9 of any process
 * once it resolved, and every process that can reach the database (trigger, execution, executor)
 * reads it. Expired rows are deleted by the store itself, a bounded batch at most once per
 * `sweepEveryMs`, after a put.
 *
 * @example
 * const store = await PgPayloadStore.open(db, { logger });
 */
export class PgPayloadStore implements PayloadStore {
  private lastSweep = 0;
  private sweeping?: Promise<void>;

  private constructor(
    private readonly db: Kysely<PayloadsDb>,
    private readonly opts: { logger?: Logger; sweepEveryMs: number; sweepBatch: number },
  ) {}

  /** Creates the schema and table when missing (idempotent, safe when several services boot at once). */
  static async open(
    db: Kysely<unknown>,
    opts: { logger?: Logger; sweepEveryMs?: number; sweepBatch?: number } = {},
  ): Promise<PgPayloadStore> {
    await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${CREATE_LOCK})`.execute(trx);
      await sql`create schema if not exists ${sql.id(PAYLOAD_SCHEMA)}`.execute(trx);
      await sql`
        create table if not exists ${sql.id(PAYLOAD_SCHEMA, 'payloads')} (
          key text primary key,
          body bytea not null,
          bytes integer not null,
          created_at timestamptz not null default now(),
          expires_at timestamptz not null
        )`.execute(trx);
      await sql`
        create index if not exists payloads_expires_at
        on ${sql.id(PAYLOAD_SCHEMA, 'payloads')} (expires_at)`.execute(trx);
    });
    return new PgPayloadStore(db as unknown as Kysely<PayloadsDb>, {
      logger: opts.logger,
      sweepEveryMs: opts.sweepEveryMs ?? 60_000,
      sweepBatch: opts.sweepBatch ?? 500,
    });
  }

  async put(key: string, body: Buffer, opts: { expiresAt: Date }): Promise<void> {
    await this.db
      .insertInto('payloads.payloads')
      .values({ key, body, bytes: body.length, created_at: new Date(), expires_at: opts.expiresAt })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({ body, bytes: body.length, expires_at: opts.expiresAt }),
      )
      .execute();
    this.maybeSweep();
  }

  async get(key: string): Promise<Buffer | undefined> {
    const row = await this.db
      .selectFrom('payloads.payloads')
      .select('body')
      .where('key', '=', key)
      .where('expires_at', '>', new Date())
      .executeTakeFirst();
    return row?.body;
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db.deleteFrom('payloads.payloads').where('key', 'in', keys).execute();
  }

  /** Deletes up to `limit` expired payloads; returns how many. */
  async deleteExpired(now = new Date(), limit = this.opts.sweepBatch): Promise<number> {
    const result = await sql<{ key: string }>`
      delete from ${sql.id(PAYLOAD_SCHEMA, 'payloads')}
      where key in (
        select key from ${sql.id(PAYLOAD_SCHEMA, 'payloads')}
        where expires_at <= ${now}
        order by expires_at
        limit ${limit}
        for update skip locked
      )`.execute(this.db);
    return Number(result.numAffectedRows ?? 0);
  }

  /** Waits for a sweep in progress (the pool is the caller's: it closes it). */
  async close(): Promise<void> {
    await this.sweeping;
  }

  private maybeSweep(): void {
    const now = Date.now();
    if (this.sweeping || now - this.lastSweep < this.opts.sweepEveryMs) return;
    this.lastSweep = now;
    this.sweeping = this.deleteExpired()
      .then((n) => {
        if (n > 0) this.opts.logger?.info({ deleted: n }, 'expired payloads deleted');
      })
      .catch((err: Error) =>
        this.opts.logger?.warn({ err: err.message }, 'expired payloads not deleted'),
      )
      .finally(() => {
        this.sweeping = undefined;
      });
  }
}
