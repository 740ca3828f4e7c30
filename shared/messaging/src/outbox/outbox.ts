import {
  sql,
  type Generated,
  type Kysely,
  type Migration,
  type RawBuilder,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import type { PlatformEvent } from '@flowgenie/contracts';
import {
  afterForeground,
  isDependencyUnavailable,
  quoteIdent,
  type Logger,
} from '@flowgenie/platform';
import type { EventPublisher } from '../ports';

/** Tables every event-producing or -consuming service has in its own schema. */
export interface MessagingTables {
  outbox: {
    id: string;
    type: string;
    envelope: PlatformEvent;
    created_at: Generated<Date>;
    published_at: Date | null;
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
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private listener?: pg.Client;
  private reconnectTimer?: NodeJS.Timeout;
  private running = false;
  private pending: Promise<unknown> = Promise.resolve();
  private again = false;
  private stopped = false;

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
  ) {}

  async start(): Promise<void> {
    // The first LISTEN must work (a boot with no database fails loudly); later losses reconnect.
    await this.listen();
    this.timer = setInterval(() => this.kick(), this.opts.pollMs ?? 1000);
    this.kick();
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

  /** Runs a drain now, or once more after the current one. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.pending = this.drain()
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
          this.kick();
        }
      });
  }

  /** Publishes everything unpublished now; resolves when the outbox is empty. */
  async drain(): Promise<number> {
    const db = this.opts.db as Kysely<MessagingTables>;
    const batchSize = this.opts.batchSize ?? 100;
    let total = 0;
    for (;;) {
      // Firings being recorded in this process go first (see inForeground).
      await afterForeground(undefined, { untilQuiet: this.opts.holdForIntake });
      const count = await db.transaction().execute(async (trx) => {
        // One statement claims and marks the batch, oldest first (rows another relay holds are
        // skipped); a failed publish rolls the mark back with the transaction.
        const { rows } = await sql<{ envelope: PlatformEvent }>`
          with batch as (
            select id from outbox where published_at is null order by created_at
            limit ${batchSize} for update skip locked),
          marked as (
            update outbox o set published_at = now() from batch where o.id = batch.id
            returning o.envelope, o.created_at)
          select envelope from marked order by created_at`.execute(trx);
        if (rows.length === 0) return 0;
        await this.opts.publisher.publish(rows.map((r) => r.envelope));
        return rows.length;
      });
      total += count;
      // A short batch emptied the outbox: rows committed since then NOTIFY a new drain.
      if (count < batchSize) return total;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.pending;
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
