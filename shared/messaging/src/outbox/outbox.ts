import {
  sql,
  type Generated,
  type Kysely,
  type Migration,
  type RawBuilder,
  type Transaction,
} from 'kysely';
import { AsyncResource } from 'node:async_hooks';
import pg from 'pg';
import type { PlatformEvent } from '@flowgenie/contracts';
import {
  afterForeground,
  isDependencyUnavailable,
  quoteIdent,
  type Logger,
} from '@flowgenie/platform';
import type { EventPublisher } from '../ports';

export { messagingRetention, messagingRetentionMigration } from './retention';

/** Tables every event-producing or -consuming service has in its own schema. */
export interface MessagingTables {
  outbox: {
    id: string;
    type: string;
    envelope: PlatformEvent;
    created_at: Generated<Date>;
    published_at: Date | null;
    /** Until then the table's relays leave the row alone: a relay of this process publishes it (see CommittedOutbox). */
    held_until: Generated<Date | null>;
  };
  inbox: {
    consumer: string;
    event_id: string;
    handled_at: Generated<Date>;
  };
}

/** Add to a service's migrations (its name sorts before the service's own tables on purpose). */
export const messagingMigration: Migration = {
  async up(db) {
    await sql`
      create table outbox (
        id uuid primary key,
        type text not null,
        envelope jsonb not null,
        created_at timestamptz not null default clock_timestamp(),
        published_at timestamptz
      )`.execute(db);
    await sql`create index outbox_unpublished on outbox (created_at) where published_at is null`.execute(
      db,
    );
    await sql`
      create table inbox (
        consumer text not null,
        event_id uuid not null,
        handled_at timestamptz not null default now(),
        primary key (consumer, event_id)
      )`.execute(db);
  },
  async down(db) {
    await sql`drop table inbox`.execute(db);
    await sql`drop table outbox`.execute(db);
  },
};

/** Rows a writer hands to its own process's relay instead of the table's (see {@link CommittedOutbox}). */
export const outboxHoldMigration: Migration = {
  async up(db) {
    await sql`alter table outbox add column held_until timestamptz`.execute(db);
  },
  async down(db) {
    await sql`alter table outbox drop column held_until`.execute(db);
  },
};

/**
 * The outbox relay of this process, for writers that hand it the events they have just committed
 * instead of leaving them to be claimed back from the table (a NOTIFY, a wake-up and a transaction
 * fewer per event). The rows are written held ({@link heldUntil}) so that no relay claims them
 * meanwhile; a hold outlives its process only by a few seconds, after which a relay publishes the
 * rows from the table (a crash between the commit and the publish loses nothing). Only for events
 * whose order against the table's other events does not matter (one firing against another).
 *
 * @example
 * const hold = outbox?.holdFor(events.length);
 * await sql`… insert into outbox (id, type, envelope, held_until) select …, ${heldUntil(hold)} …`.execute(db);
 * if (hold !== undefined) outbox.publishCommitted(events);
 */
export interface CommittedOutbox {
  /**
   * Seconds to hold `count` rows about to be written for this relay, or undefined when it takes
   * no more now (stopped, or enough handed over and not yet published): write them unheld then,
   * with the NOTIFY, for the table's relays.
   */
  holdFor(count: number): number | undefined;
  /** Publishes events whose rows were committed held for this relay; it marks them published. */
  publishCommitted(events: PlatformEvent[]): void;
}

/** The `held_until` of rows written for {@link CommittedOutbox} (null, unheld, without a hold). */
export const heldUntil = (holdSeconds: number | undefined) =>
  sql`now() + make_interval(secs => ${holdSeconds ?? null}::float8)`;

/** How long rows handed to a relay are held from the others: well beyond a publish under load. */
const HOLD_SECONDS = 15;
/** Events handed over and not yet published, at most: past it, writers leave events to the table. */
const HANDED_AT_MOST = 500;
/** Published handed-over rows are marked together, at most this long after their publish. */
const MARK_EVERY_MS = 200;

/** The NOTIFY channel that wakes a schema's relays (a writer outside appendToOutbox sends it too). */
export const channelOf = (schema: string) => `fg_outbox_${schema}`;

/**
 * The events as the `(id, type, envelope)` tuples of a VALUES list of outbox rows: for a writer's
 * own single statement that cannot go through changeWithOutbox (its change needs a CTE of its own).
 */
export const outboxValues = (events: PlatformEvent[]) =>
  sql.join(events.map((e) => sql`(${e.id}::uuid, ${e.type}, ${JSON.stringify(e)}::jsonb)`));

/**
 * Writes events to the outbox inside the caller's transaction, so an event exists exactly when
 * the state change it announces is committed. The relay is woken by NOTIFY at commit.
 *
 * @example
 * await db.transaction().execute(async (trx) => {
 *   await repo.save(trx, workflow);
 *   await appendToOutbox(trx, 'workflow_catalog', [createEvent('workflow.deleted', data, opts)]);
 * });
 */
export async function appendToOutbox<DB>(
  trx: Transaction<DB>,
  schema: string,
  events: PlatformEvent[],
): Promise<void> {
  if (events.length === 0) return;
  // One round trip: the rows, and the NOTIFY that wakes the relays at commit.
  const rows = outboxValues(events);
  await sql`
    with inserted as (insert into outbox (id, type, envelope) values ${rows} returning id)
    select pg_notify(${channelOf(schema)}, '')`.execute(trx);
}

/**
 * Runs `change` (an INSERT/UPDATE … RETURNING) and, only when it returns a row, appends `events`
 * to the outbox with the NOTIFY, in one round trip instead of two. Returns `change`'s rows.
 *
 * @example
 * const [row] = await changeWithOutbox(trx, 'trigger', sql`insert into firings … on conflict do nothing returning execution_id`, [event]);
 */
export async function changeWithOutbox<DB, R extends object>(
  trx: Transaction<DB>,
  schema: string,
  change: RawBuilder<R>,
  events: PlatformEvent[],
): Promise<R[]> {
  if (events.length === 0) return (await change.execute(trx)).rows;
  const rows = outboxValues(events);
  const { rows: changed } = await sql<R & { outbox_notified: unknown }>`
    with change as (${change}),
    inserted as (
      insert into outbox (id, type, envelope)
      select v.id, v.type, v.envelope from (values ${rows}) as v(id, type, envelope)
      where exists (select from change)
      returning id)
    select change.*,
      (select pg_notify(${channelOf(schema)}, '') where exists (select from inserted))
        as outbox_notified
    from change`.execute(trx);
  return changed.map(({ outbox_notified: _, ...row }) => row as unknown as R);
}

/**
 * A batch form of {@link changeWithOutbox} for changes that skip some rows (`on conflict do
 * nothing`): runs `change`, which returns a text column `key`, and appends to the outbox (with
 * the NOTIFY) only the events whose field at `keyPath` is one of the returned keys. One round
 * trip, and the events travel as one JSON parameter rather than three per event.
 *
 * @example
 * await changeWithOutboxByKey(trx, 'trigger', sql`insert … on conflict do nothing returning execution_id::text as key`, events, ['data', 'executionId']);
 */
export async function changeWithOutboxByKey<DB>(
  trx: Transaction<DB>,
  schema: string,
  change: RawBuilder<{ key: string }>,
  events: PlatformEvent[],
  keyPath: string[],
): Promise<string[]> {
  const { rows } = await sql<{ key: string; appended: number; outbox_notified: unknown }>`
    with change as (${change}),
    inserted as (
      insert into outbox (id, type, envelope)
      select (e->>'id')::uuid, e->>'type', e
      from jsonb_array_elements(${JSON.stringify(events)}::jsonb) with ordinality as v(e, n)
      where e #>> ${keyPath}::text[] in (select key from change)
      order by n
      returning id)
    select change.key, (select count(*)::int from inserted) as appended,
      (select pg_notify(${channelOf(schema)}, '') where exists (select from inserted))
        as outbox_notified
    from change`.execute(trx);
  // A changed row without its event (a key spelt differently) would be a silent loss: roll back.
  if (rows.length && rows[0].appended !== rows.length)
    throw new Error(
      `changeWithOutboxByKey: ${rows.length} rows changed, ${rows[0].appended} events`,
    );
  return rows.map((r) => r.key);
}

/**
 * Publishes outbox rows in commit order and marks them published. Several relays may run (one per
 * process); `for update skip locked` gives each row to one of them. At-least-once: a crash between
 * publish and mark publishes again, and consumers' inboxes drop the duplicate.
 */
export class OutboxRelay implements CommittedOutbox {
  private timer?: NodeJS.Timeout;
  private listener?: pg.Client;
  private reconnectTimer?: NodeJS.Timeout;
  private running = false;
  private pending: Promise<unknown> = Promise.resolve();
  private again = false;
  private stopped = false;
  private started = false;
  /** A NOTIFY, the poll or a caller asked for the table to be read (not only the handed events). */
  private tableDue = true;
  /** Events writers handed over (publishCommitted), oldest first. */
  private handed: PlatformEvent[] = [];
  /** Ids of handed events published and not yet marked so in the table. */
  private toMark: string[] = [];
  private markTimer?: NodeJS.Timeout;
  private marking = new Set<Promise<void>>();

  constructor(
    private readonly opts: {
      db: Kysely<unknown>;
      schema: string;
      databaseUrl: string;
      publisher: EventPublisher;
      logger: Logger;
      /** Fallback poll when a NOTIFY is missed. */
      pollMs?: number;
      batchSize?: number;
      /**
       * Hold each batch while any foreground work (firings being recorded) runs, up to
       * FOREGROUND_MAX_WAIT_MS, instead of only the work running when the batch was due: where
       * the consumers run in this process (EVENTS_IN_PROCESS), a burst of immediate webhooks is
       * then acknowledged first and executions start from the backlog, at least a batch every
       * FOREGROUND_MAX_WAIT_MS.
       */
      holdForIntake?: boolean;
    },
  ) {
    // The relay's loop and its timers run in the context of its start, not in that of the
    // request that handed it an event (its logs would carry that request's correlation id).
    this.kick = AsyncResource.bind(this.kick.bind(this));
  }

  async start(): Promise<void> {
    // The first LISTEN must work (a boot with no database fails loudly); later losses reconnect.
    await this.listen();
    this.started = true;
    this.timer = setInterval(() => this.kick(), this.opts.pollMs ?? 1000);
    this.kick();
  }

  holdFor(count: number): number | undefined {
    if (!this.started || this.stopped || this.handed.length + count > HANDED_AT_MOST)
      return undefined;
    return HOLD_SECONDS;
  }

  publishCommitted(events: PlatformEvent[]): void {
    // Stopped: the rows stay held until their hold ends, then a relay publishes them.
    if (this.stopped || events.length === 0) return;
    this.handed.push(...events);
    this.kick(false);
  }

  /** True while the NOTIFY listener is connected (false during a database outage). */
  get listening(): boolean {
    return this.listener !== undefined;
  }

  /** Connects a client of its own and LISTENs on the schema's channel. */
  private async listen(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.opts.databaseUrl,
      connectionTimeoutMillis: 5000,
    });
    // A dedicated client is outside the pool: without these listeners a dropped connection is an
    // unhandled 'error' event that ends the process, and the relay would stop hearing NOTIFY.
    client.on('error', (err) => {
      this.opts.logger.warn({ err: err.message }, 'outbox listener connection lost; reconnecting');
      this.relisten(client);
    });
    client.on('end', () => this.relisten(client));
    client.on('notification', () => this.kick());
    try {
      await client.connect();
      await client.query(`listen ${quoteIdent(channelOf(this.opts.schema))}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
  }

  /** Replaces a lost listener, retrying with backoff until it works or the relay stops. */
  private relisten(lost: pg.Client): void {
    if (this.stopped || lost !== this.listener) return;
    this.listener = undefined;
    lost.end().catch(() => undefined);
    let attempt = 0;
    const retry = () => {
      this.reconnectTimer = undefined;
      if (this.stopped) return;
      this.listen().then(
        () => {
          if (this.stopped) return;
          this.opts.logger.info('outbox listener reconnected');
          this.kick(); // events committed while nobody listened
        },
        () => {
          attempt += 1;
          this.reconnectTimer = setTimeout(retry, Math.min(100 * 2 ** attempt, 5000));
        },
      );
    };
    this.reconnectTimer = setTimeout(retry, 100);
  }

  /**
   * Runs a drain now, or once more after the current one. `fromTable` false: only events handed
   * over are due (no claim from the table for them).
   */
  kick(fromTable = true): void {
    if (this.stopped) return;
    if (fromTable) this.tableDue = true;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.pending = this.relayDue()
      .catch((err) =>
        isDependencyUnavailable(err)
          ? this.opts.logger.warn(
              { err: (err as Error).message },
              'outbox relay cannot reach the database or bus; will retry',
            )
          : this.opts.logger.error({ err }, 'outbox relay failed; will retry'),
      )
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          // A kick that asked for the table set tableDue already: events handed over meanwhile
          // must not turn into a claim from the table.
          this.kick(false);
        }
      });
  }

  /**
   * Publishes everything unpublished now, the events handed over included, and writes their
   * marks; resolves when the outbox is empty (a Lambda calls it before its function freezes).
   */
  async drain(): Promise<number> {
    await this.pending.catch(() => undefined); // a drain under way may hold handed events
    const total = await this.relayDue(true);
    await this.writeMarks();
    return total;
  }

  /** Writes the marks waiting for their timer, and waits for those being written. */
  private async writeMarks(): Promise<void> {
    if (this.markTimer) clearTimeout(this.markTimer);
    this.markTimer = undefined;
    this.markPublished();
    await Promise.all(this.marking);
  }

  /**
   * Publishes the events handed over, then, when due (a kick asked, or `fromTable`), the
   * table's unpublished rows.
   */
  private async relayDue(fromTable = false): Promise<number> {
    const db = this.opts.db as Kysely<MessagingTables>;
    const batchSize = this.opts.batchSize ?? 100;
    let total = 0;
    let tableDue = fromTable;
    for (;;) {
      // Firings being recorded in this process go first (see inForeground).
      await afterForeground(undefined, { untilQuiet: this.opts.holdForIntake });
      const handed = this.handed.splice(0, batchSize);
      if (handed.length > 0) {
        await this.publishHanded(handed);
        total += handed.length;
        continue;
      }
      tableDue ||= this.tableDue;
      this.tableDue = false;
      if (!tableDue) return total;
      tableDue = false;
      const count = await db.transaction().execute(async (trx) => {
        // One statement claims and marks the batch, oldest first (rows another relay holds are
        // skipped); a failed publish rolls the mark back with the transaction.
        const { rows } = await sql<{ envelope: PlatformEvent }>`
          with batch as (
            select id from outbox
            where published_at is null and (held_until is null or held_until < now())
            order by created_at limit ${batchSize} for update skip locked),
          marked as (
            update outbox o set published_at = now() from batch where o.id = batch.id
            returning o.envelope, o.created_at)
          select envelope from marked order by created_at`.execute(trx);
        if (rows.length === 0) return 0;
        await this.opts.publisher.publish(rows.map((r) => r.envelope));
        return rows.length;
      });
      total += count;
      // A full batch: more rows may wait. A short one emptied the outbox: rows committed since
      // then NOTIFY a new drain.
      if (count === batchSize) tableDue = true;
    }
  }

  /** Publishes handed-over events; if that fails, gives their rows back to the table's relays. */
  private async publishHanded(events: PlatformEvent[]): Promise<void> {
    try {
      await this.opts.publisher.publish(events);
    } catch (err) {
      await this.release(events.map((e) => e.id)).catch(() => undefined); // or the hold ends
      this.tableDue = true;
      throw err;
    }
    this.toMark.push(...events.map((e) => e.id));
    this.scheduleMarks();
  }

  private scheduleMarks(): void {
    this.markTimer ??= setTimeout(() => {
      this.markTimer = undefined;
      this.markPublished();
    }, MARK_EVERY_MS);
  }

  /** Marks the published handed-over rows in one statement, none of whose loss would lose an event. */
  private markPublished(): void {
    const ids = this.toMark.splice(0);
    if (ids.length === 0) return;
    const db = this.opts.db as Kysely<MessagingTables>;
    const marked = db
      .transaction()
      .execute(async (trx) => {
        // A mark lost in a crash only publishes the event again, which consumers' inboxes drop:
        // no need to wait for the disk.
        await sql`set local synchronous_commit = off`.execute(trx);
        await sql`update outbox set published_at = now()
          where id = any(${ids}::uuid[]) and published_at is null`.execute(trx);
      })
      .catch((err: unknown) => {
        this.opts.logger.warn({ err: (err as Error).message }, 'outbox marks failed; will retry');
        if (this.stopped) return; // the holds end, and the rows are published again
        this.toMark.push(...ids);
        this.scheduleMarks();
      })
      .finally(() => this.marking.delete(marked));
    this.marking.add(marked);
  }

  /** Ends the hold of rows (their events were not published here): the table's relays take them. */
  private async release(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await sql`update outbox set held_until = null where id = any(${ids}::uuid[])`.execute(
      this.opts.db,
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.pending;
    // Handed over but not published (a drain that failed): the next relay, without waiting.
    await this.release(this.handed.splice(0).map((e) => e.id)).catch(() => undefined);
    await this.writeMarks();
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }
}

/**
 * Runs `handle` at most once per (consumer, event id): the inbox row and the handler's writes
 * commit together, so a redelivered event is a no-op.
 */
export async function handleOnce<DB>(
  db: Kysely<DB>,
  consumer: string,
  eventId: string,
  handle: (trx: Transaction<DB>) => Promise<void>,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const inserted = await (trx as unknown as Transaction<MessagingTables>)
      .insertInto('inbox')
      .values({ consumer, event_id: eventId })
      .onConflict((oc) => oc.doNothing())
      .returning('event_id')
      .executeTakeFirst();
    if (!inserted) return false;
    await handle(trx);
    return true;
  });
}

export { PgPayloadStore, PAYLOAD_SCHEMA } from './pg-payload-store';
