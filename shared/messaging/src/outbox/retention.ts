import { sql, type Migration, type QueryExecutorProvider } from 'kysely';
import { TableRetention, type Logger } from '@flowgenie/platform';

/**
 * Indexes that let {@link messagingRetention} find what is old without reading the tables whole:
 * published outbox rows by their publish time (unpublished rows are not in it), inbox entries by
 * their handling time. Built inside the migration's transaction, which holds the tables' writes
 * meanwhile: a deployment whose tables are already large creates them `concurrently` by hand
 * first (docs/DEPLOY.md), and this finds them there.
 */
export const messagingRetentionMigration: Migration = {
  async up(db) {
    await sql`create index if not exists outbox_published on outbox (published_at) where published_at is not null`.execute(
      db,
    );
    await sql`create index if not exists inbox_handled on inbox (handled_at)`.execute(db);
  },
  async down(db) {
    await sql`drop index inbox_handled`.execute(db);
    await sql`drop index outbox_published`.execute(db);
  },
};

/**
 * A service's messaging tables kept to their retention: every event it published stayed in its
 * outbox (about 1.3 KB a row) and every event it handled in its inbox, so both grew with every
 * execution for ever. A published outbox row goes `outboxKeepMs` after its publish (an
 * unpublished one never: its `published_at` is null); an inbox entry `inboxKeepMs` after its
 * event was handled, after which a redelivery of that event would run again.
 *
 * @example
 * const retention = messagingRetention({ db, logger, outboxKeepMs: 86_400_000, inboxKeepMs: 15 * 86_400_000 });
 * retention.start();
 */
export function messagingRetention(opts: {
  db: QueryExecutorProvider;
  logger: Logger;
  outboxKeepMs: number;
  inboxKeepMs: number;
  everyMs?: number;
}): TableRetention {
  return new TableRetention({
    db: opts.db,
    logger: opts.logger,
    what: 'messaging rows',
    everyMs: opts.everyMs,
    tables: [
      { table: 'outbox', timeColumn: 'published_at', keepMs: opts.outboxKeepMs },
      { table: 'inbox', timeColumn: 'handled_at', keepMs: opts.inboxKeepMs },
    ],
  });
}
