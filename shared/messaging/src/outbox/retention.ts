import { sql, type Kysely, type Migration, type RawBuilder } from 'kysely';
import type { Logger } from '@flowgenie/platform';

/**
 * Indexes that let {@link MessagingRetention} find what is old without reading the tables whole:
 * published outbox rows by their publish time (unpublished rows are not in it, so the relay's
 * marks stay the only writes to it), inbox entries by their handling time.
 */
export const messagingRetentionMigration: Migration = {
  async up(db) {
    await sql`create index outbox_published on outbox (published_at) where published_at is not null`.execute(
      db,
    );
    await sql`create index inbox_handled on inbox (handled_at)`.execute(db);
  },
  async down(db) {
    await sql`drop index inbox_handled`.execute(db);
    await sql`drop index outbox_published`.execute(db);
  },
};

/** Rows deleted by one statement: a short lock and a short transaction each. */
const ROWS_PER_STATEMENT = 5_000;

export interface MessagingRetentionOptions {
  db: Kysely<unknown>;
  logger: Logger;
  /** Published outbox rows older than this are deleted (an unpublished row never is). */
  outboxKeepMs: number;
  /** Inbox entries older than this are deleted: a redelivery of their event after it runs again. */
  inboxKeepMs: number;
  /** How often the tables are pruned. @default 10 minutes */
  everyMs?: number;
}

/**
 * Keeps a service's messaging tables to their retention: every event it ever published stayed in
 * its outbox (about 1.3 KB a row) and every event it handled in its inbox, so the tables grew with
 * every execution for ever. Runs in the service's process on a timer (in a Lambda, while the
 * function runs); several processes of one service prune side by side (rows another one is
 * deleting are skipped).
 *
 * @example
 * const retention = new MessagingRetention({ db, logger, outboxKeepMs: 86_400_000, inboxKeepMs: 15 * 86_400_000 });
 * retention.start();
 * await retention.stop();
 */
export class MessagingRetention {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(private readonly opts: MessagingRetentionOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(
      () => {
        this.running ??= this.prune()
          .catch((err: unknown) =>
            this.opts.logger.warn(
              { err: (err as Error).message },
              'messaging retention failed; will retry',
            ),
          )
          .finally(() => (this.running = undefined));
      },
      this.opts.everyMs ?? 10 * 60_000,
    );
    // Housekeeping never keeps a process alive.
    this.timer.unref();
  }

  /** Stops the timer and waits for a prune under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Deletes what is past its retention, a statement at a time; returns how many rows of each. */
  async prune(): Promise<{ outbox: number; inbox: number }> {
    const outbox = await this.deleteAll(
      (limit) => sql<{ n: number }>`
        with old as (
          select id from outbox
          where published_at < now() - make_interval(secs => ${this.opts.outboxKeepMs / 1000})
          order by published_at limit ${limit} for update skip locked),
        deleted as (delete from outbox o using old where o.id = old.id returning 1)
        select count(*)::int as n from deleted`,
    );
    const inbox = await this.deleteAll(
      (limit) => sql<{ n: number }>`
        with old as (
          select consumer, event_id from inbox
          where handled_at < now() - make_interval(secs => ${this.opts.inboxKeepMs / 1000})
          order by handled_at limit ${limit} for update skip locked),
        deleted as (
          delete from inbox i using old
          where i.consumer = old.consumer and i.event_id = old.event_id returning 1)
        select count(*)::int as n from deleted`,
    );
    if (outbox + inbox > 0)
      this.opts.logger.info({ outbox, inbox }, 'messaging rows past their retention deleted');
    return { outbox, inbox };
  }

  private async deleteAll(
    statement: (limit: number) => RawBuilder<{ n: number }>,
  ): Promise<number> {
    let total = 0;
    for (;;) {
      const { rows } = await statement(ROWS_PER_STATEMENT).execute(this.opts.db);
      const n = rows[0]?.n ?? 0;
      total += n;
      if (n < ROWS_PER_STATEMENT) return total;
    }
  }
}
