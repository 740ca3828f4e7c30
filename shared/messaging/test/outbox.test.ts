import { randomUUID } from 'node:crypto';
import { Kysely, sql, type KyselyPlugin, type Transaction } from 'kysely';
import type { PlatformEvent } from '@flowgenie/contracts';
import {
  createDb,
  createLogger,
  inForeground,
  runMigrations,
  runWithCorrelation,
} from '@flowgenie/platform';
import { createTestDatabase, startTcpProxy, waitFor, type TestDatabase } from '@flowgenie/testing';
import { createEvent, type EventPublisher } from '../src';
import {
  appendToOutbox,
  changeWithOutbox,
  changeWithOutboxByKey,
  handleOnce,
  heldUntil,
  messagingMigration,
  outboxHoldMigration,
  OutboxRelay,
  type MessagingTables,
} from '../src/outbox/outbox';

const logger = createLogger({ service: 'test', level: 'silent' });

class RecordingPublisher implements EventPublisher {
  published: PlatformEvent[] = [];
  failNext = 0;
  async publish(events: PlatformEvent[]) {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('bus unavailable');
    }
    this.published.push(...events);
  }
  async close() {}
}

describe('transactional outbox and inbox', () => {
  let testDb: TestDatabase;
  let db: Kysely<MessagingTables>;
  /** A relay of schema `svc` to `publisher`, polling every `pollMs`. */
  const relayTo = (publisher: RecordingPublisher, pollMs: number, databaseUrl = testDb.url) =>
    new OutboxRelay({
      db: db as Kysely<unknown>,
      schema: 'svc',
      databaseUrl,
      publisher,
      logger,
      pollMs,
    });
  beforeAll(async () => {
    testDb = await createTestDatabase('outbox');
    db = createDb<MessagingTables>({ url: testDb.url, schema: 'svc' });
    await runMigrations(db as Kysely<unknown>, 'svc', {
      '0001_messaging': messagingMigration,
      '0002_outbox_hold': outboxHoldMigration,
    });
  });
  afterAll(async () => {
    await db.destroy();
    await testDb.drop();
  });

  const deleted = () =>
    createEvent(
      'workflow.deleted',
      { workflowId: randomUUID(), ownerId: randomUUID() },
      { source: 'test' },
    );

  it('reconnects its LISTEN connection after the database connection drops, and catches up', async () => {
    // Only the relay's listener goes through the proxy; a poll of a minute means an event can only
    // arrive quickly through NOTIFY or the catch-up after reconnecting.
    const proxy = await startTcpProxy({ port: Number(new URL(testDb.url).port) });
    const publisher = new RecordingPublisher();
    const relay = relayTo(publisher, 60_000, proxy.urlThrough(testDb.url));
    const ids = () => publisher.published.map((e) => e.id);
    try {
      await relay.start();
      const before = deleted();
      await db.transaction().execute((trx) => appendToOutbox(trx, 'svc', [before]));
      await waitFor(() => ids().includes(before.id), {
        message: 'the first event was not published',
      });

      proxy.cut();
      await waitFor(() => !relay.listening, {
        message: 'the relay did not notice the lost connection',
      });
      const duringOutage = deleted();
      await db.transaction().execute((trx) => appendToOutbox(trx, 'svc', [duringOutage]));

      proxy.heal();
      await waitFor(() => relay.listening, {
        timeoutMs: 15_000,
        message: 'the listener did not reconnect',
      });
      await waitFor(() => ids().includes(duringOutage.id), {
        message: 'the event committed during the outage was not published',
      });
      const after = deleted();
      await db.transaction().execute((trx) => appendToOutbox(trx, 'svc', [after]));
      await waitFor(() => ids().includes(after.id), {
        message: 'NOTIFY no longer reaches the relay',
      });
    } finally {
      await relay.stop();
      await proxy.close();
    }
  });

  it('publishes an event only when the transaction that wrote it commits', async () => {
    const publisher = new RecordingPublisher();
    const relay = relayTo(publisher, 50);
    await relay.start();
    const committed = deleted();
    const rolledBack = deleted();
    await db.transaction().execute((trx) => appendToOutbox(trx, 'svc', [committed]));
    await expect(
      db.transaction().execute(async (trx) => {
        await appendToOutbox(trx, 'svc', [rolledBack]);
        throw new Error('state change failed');
      }),
    ).rejects.toThrow('state change failed');
    await waitFor(() => publisher.published.length >= 1);
    await relay.drain();
    await relay.stop();
    expect(publisher.published.map((e) => e.id)).toEqual([committed.id]);
  });

  it('writes a change and its event together, and no event when the change wrote nothing', async () => {
    // Prepare: a table with a unique key, so a second insert of the same key writes nothing.
    await sql`create table if not exists svc.things (key text primary key)`.execute(db);
    const publisher = new RecordingPublisher();
    // Only the NOTIFY of the change can wake it.
    const relay = relayTo(publisher, 60_000);
    await relay.start();
    const first = deleted();
    const repeat = deleted();
    const insert = (trx: Transaction<MessagingTables>, event: PlatformEvent) =>
      changeWithOutbox(
        trx,
        'svc',
        sql<{
          key: string;
        }>`insert into things (key) values ('k') on conflict do nothing returning key`,
        [event],
      );
    // Act
    const written = await db.transaction().execute((trx) => insert(trx, first));
    const nothing = await db.transaction().execute((trx) => insert(trx, repeat));
    // Assess
    expect(written).toEqual([{ key: 'k' }]);
    expect(nothing).toEqual([]);
    await waitFor(() => publisher.published.length >= 1);
    await relay.stop();
    expect(publisher.published.map((e) => e.id)).toEqual([first.id]);
    const ids = (await db.selectFrom('outbox').select('id').execute()).map((r) => r.id);
    expect(ids).toContain(first.id);
    expect(ids).not.toContain(repeat.id);
  });

  it('writes a batch and the events of only the rows it wrote, in order, when some already exist', async () => {
    // Prepare: one key of three written before
    await sql`create table if not exists svc.batch_things (key text primary key)`.execute(db);
    const publisher = new RecordingPublisher();
    // Only the NOTIFY of the batch can wake it.
    const relay = relayTo(publisher, 60_000);
    await relay.start();
    const events = [deleted(), deleted(), deleted()];
    const keys = events.map((e) => (e.data as { workflowId: string }).workflowId);
    await sql`insert into svc.batch_things (key) values (${keys[1]})`.execute(db);
    // Act
    const written = await db.transaction().execute((trx) =>
      changeWithOutboxByKey(
        trx,
        'svc',
        sql<{ key: string }>`
          insert into batch_things (key) select * from unnest(${keys}::text[])
          on conflict do nothing returning key`,
        events,
        ['data', 'workflowId'],
      ),
    );
    // Assess: the new rows' events, in the batch's order; none for the row that existed
    expect(written.sort()).toEqual([keys[0], keys[2]].sort());
    await waitFor(() => publisher.published.length >= 2);
    await relay.stop();
    expect(publisher.published.map((e) => e.id)).toEqual([events[0].id, events[2].id]);
  });

  it('keeps events in the outbox while the bus fails, and publishes them in order once it is back', async () => {
    const publisher = new RecordingPublisher();
    publisher.failNext = 2;
    const relay = relayTo(publisher, 50);
    const events = [deleted(), deleted(), deleted()];
    await db.transaction().execute((trx) => appendToOutbox(trx, 'svc', events));
    await relay.start();
    await waitFor(() => publisher.published.length === 3);
    await relay.stop();
    expect(publisher.published.map((e) => e.id)).toEqual(events.map((e) => e.id));
    const left = await db
      .selectFrom('outbox')
      .select('id')
      .where('published_at', 'is', null)
      .execute();
    expect(left).toEqual([]);
  });

  describe('events handed to the relay at commit', () => {
    /** Writes `events` as one writer of the hot path does: held for `holdSeconds`, no NOTIFY. */
    const writeHeld = (events: PlatformEvent[], holdSeconds: number | undefined) =>
      sql`insert into outbox (id, type, envelope, held_until)
        select (e->>'id')::uuid, e->>'type', e, ${heldUntil(holdSeconds)}
        from jsonb_array_elements(${JSON.stringify(events)}::jsonb) as v(e)`.execute(db);
    const unpublishedOf = async (events: PlatformEvent[]) =>
      (
        await db
          .selectFrom('outbox')
          .select('id')
          .where(
            'id',
            'in',
            events.map((e) => e.id),
          )
          .where('published_at', 'is', null)
          .execute()
      ).length;

    it('publishes them without claiming them back, marks them published, and no other relay takes them meanwhile', async () => {
      // Prepare: this process's relay, and another process's, both polling rarely.
      const publisher = new RecordingPublisher();
      const otherPublisher = new RecordingPublisher();
      const relay = relayTo(publisher, 60_000);
      const other = relayTo(otherPublisher, 60_000);
      await relay.start();
      try {
        const events = [deleted(), deleted()];
        const hold = relay.holdFor(events.length);
        expect(hold).toBeGreaterThan(0);
        await writeHeld(events, hold);

        // Act: the other relay drains the table before the writer hands the events over.
        await other.drain();
        relay.publishCommitted(events);

        // Assess: published once, by this relay, then marked in the table.
        await waitFor(() => publisher.published.length === 2, { message: 'not published' });
        await waitFor(async () => (await unpublishedOf(events)) === 0, {
          message: 'never marked published',
        });
        expect(publisher.published.map((e) => e.id)).toEqual(events.map((e) => e.id));
        expect(otherPublisher.published.filter((e) => events.some((x) => x.id === e.id))).toEqual(
          [],
        );
      } finally {
        await relay.stop();
      }
    });

    it('publishes rows from the table once their hold has ended (the process that held them died)', async () => {
      // Prepare: one row whose holder is gone (hold over), one still held.
      const publisher = new RecordingPublisher();
      const relay = relayTo(publisher, 60_000);
      const orphaned = deleted();
      const held = deleted();
      await writeHeld([orphaned], -1);
      await writeHeld([held], 15);

      // Act
      await relay.drain();

      // Assess: only the orphaned one, and it is marked published.
      const ids = publisher.published.map((e) => e.id);
      expect(ids).toContain(orphaned.id);
      expect(ids).not.toContain(held.id);
      expect(await unpublishedOf([orphaned])).toBe(0);
      expect(await unpublishedOf([held])).toBe(1);
      await db.deleteFrom('outbox').where('id', '=', held.id).execute();
    });

    it('gives the rows back to the table when publishing them fails, and they are published from there', async () => {
      // Prepare: the bus fails once; the relay polls often.
      const publisher = new RecordingPublisher();
      const relay = relayTo(publisher, 50);
      await relay.start();
      try {
        const event = deleted();
        await writeHeld([event], relay.holdFor(1));
        publisher.failNext = 1;

        // Act
        relay.publishCommitted([event]);

        // Assess: published once the bus is back, long before the hold would end.
        await waitFor(() => publisher.published.some((e) => e.id === event.id), {
          timeoutMs: 5000,
          message: 'the released row was never published',
        });
        await waitFor(async () => (await unpublishedOf([event])) === 0);
        expect(publisher.published.filter((e) => e.id === event.id)).toHaveLength(1);
      } finally {
        await relay.stop();
      }
    });

    it('claims nothing from the table for them, even for those handed over while it was publishing', async () => {
      // Prepare: a relay whose claims from the table are counted, and a bus held on its first publish
      let claims = 0;
      const countClaims: KyselyPlugin = {
        transformQuery(args) {
          if (JSON.stringify(args.node).includes('skip locked')) claims += 1;
          return args.node;
        },
        transformResult: async (args) => args.result,
      };
      let open!: () => void;
      const opened = new Promise<void>((r) => (open = r));
      let publishing = 0;
      const publisher = new RecordingPublisher();
      const publish = publisher.publish.bind(publisher);
      publisher.publish = async (events) => {
        publishing += 1;
        await opened;
        await publish(events);
      };
      const relay = new OutboxRelay({
        db: db.withPlugin(countClaims) as Kysely<unknown>,
        schema: 'svc',
        databaseUrl: testDb.url,
        publisher,
        logger,
        pollMs: 60_000,
      });
      await relay.start();
      await relay.drain(); // the start's own claim is over
      claims = 0;
      try {
        const [first, second] = [deleted(), deleted()];
        await writeHeld([first, second], relay.holdFor(2));

        // Act: one handed over, and the other while the first is being published
        relay.publishCommitted([first]);
        await waitFor(() => publishing === 1);
        relay.publishCommitted([second]);
        open();

        // Assess
        await waitFor(() => publisher.published.length === 2);
        await new Promise((r) => setTimeout(r, 50));
        expect(publisher.published.map((e) => e.id)).toEqual([first.id, second.id]);
        expect(claims).toBe(0);
      } finally {
        await relay.stop();
      }
    });

    it('has published them and written their marks once a drain resolves (a Lambda freezes after it)', async () => {
      const publisher = new RecordingPublisher();
      const relay = relayTo(publisher, 60_000);
      await relay.start();
      try {
        const event = deleted();
        await writeHeld([event], relay.holdFor(1));
        relay.publishCommitted([event]);

        await relay.drain();

        expect(publisher.published.map((e) => e.id)).toContain(event.id);
        expect(await unpublishedOf([event])).toBe(0);
      } finally {
        await relay.stop();
      }
    });

    it('takes nothing before it starts, after it stops, or beyond what it may hold unpublished', async () => {
      const relay = relayTo(new RecordingPublisher(), 60_000);
      expect(relay.holdFor(1)).toBeUndefined();
      await relay.start();
      expect(relay.holdFor(1)).toBeGreaterThan(0);
      expect(relay.holdFor(10_000)).toBeUndefined();
      await relay.stop();
      expect(relay.holdFor(1)).toBeUndefined();
    });
  });

  it.each([
    [true, 'holds its batch until no firing is being recorded'],
    [false, 'waits only for the firings being recorded when its batch was due'],
  ])('with holdForIntake %s, a relay %s', async (hold) => {
    // Prepare: a firing being recorded, and an event waiting in the outbox
    const publisher = new RecordingPublisher();
    const relay = new OutboxRelay({
      db: db as Kysely<unknown>,
      schema: 'svc',
      databaseUrl: testDb.url,
      publisher,
      logger,
      pollMs: 50,
      holdForIntake: hold,
    });
    let finishFirst!: () => void;
    let finishSecond!: () => void;
    const first = inForeground(() => new Promise<void>((r) => (finishFirst = r)));
    const event = deleted();
    await db.transaction().execute((trx) => appendToOutbox(trx, 'svc', [event]));
    const published = () => publisher.published.some((e) => e.id === event.id);

    // Act: the relay's batch is due; a second firing starts before the first ends
    await relay.start();
    const second = inForeground(() => new Promise<void>((r) => (finishSecond = r)));
    finishFirst();
    await first;
    await new Promise((r) => setTimeout(r, 300));
    const whileSecondRuns = published();
    finishSecond();
    await second;
    await waitFor(published);
    await relay.stop();

    // Assess
    expect(whileSecondRuns).toBe(!hold);
  });

  it('carries the correlation id of the request that caused the event', () => {
    const event = runWithCorrelation('req-123', () => deleted());
    expect(event.correlationId).toBe('req-123');
  });

  it('runs a handler once per event id, however often the event is delivered', async () => {
    let runs = 0;
    const event = deleted();
    const first = await handleOnce(db, 'trigger', event.id, async () => void (runs += 1));
    const second = await handleOnce(db, 'trigger', event.id, async () => void (runs += 1));
    const otherConsumer = await handleOnce(db, 'execution', event.id, async () => void (runs += 1));
    expect([first, second, otherConsumer]).toEqual([true, false, true]);
    expect(runs).toBe(2);
  });

  it('forgets the inbox entry when the handler fails, so a redelivery runs it again', async () => {
    const event = deleted();
    await expect(
      handleOnce(db, 'trigger', event.id, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    let ran = false;
    expect(await handleOnce(db, 'trigger', event.id, async () => void (ran = true))).toBe(true);
    expect(ran).toBe(true);
  });
});
