import { randomUUID } from 'node:crypto';
import { Kysely, sql } from 'kysely';
import { createDb, createLogger, runMigrations } from '@flowgenie/platform';
import { createTestDatabase, waitFor, type TestDatabase } from '@flowgenie/testing';
import { createEvent, type EventPublisher } from '../src';
import {
  appendToOutbox,
  handleOnce,
  messagingMigration,
  messagingRetentionMigration,
  messagingRetention,
  outboxHoldMigration,
  OutboxRelay,
  type MessagingTables,
} from '../src/outbox/outbox';

const logger = createLogger({ service: 'test', level: 'silent' });
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const silentBus: EventPublisher = { publish: async () => undefined, close: async () => undefined };

/** Published outbox rows and handled inbox entries kept to their retention (messagingRetention). */
describe('messaging retention', () => {
  let testDb: TestDatabase;
  let db: Kysely<MessagingTables>;

  beforeAll(async () => {
    testDb = await createTestDatabase('retention');
    db = createDb<MessagingTables>({ url: testDb.url, schema: 'svc' });
    await runMigrations(db as Kysely<unknown>, 'svc', {
      '0001_messaging': messagingMigration,
      '0002_outbox_hold': outboxHoldMigration,
      '0003_retention': messagingRetentionMigration,
    });
  });
  afterAll(async () => {
    await db.destroy();
    await testDb.drop();
  });
  beforeEach(async () => {
    await sql`truncate outbox, inbox`.execute(db);
  });

  const retention = (
    opts: { outboxKeepMs?: number; inboxKeepMs?: number; everyMs?: number } = {},
  ) =>
    messagingRetention({
      db: db as Kysely<unknown>,
      logger,
      outboxKeepMs: opts.outboxKeepMs ?? DAY,
      inboxKeepMs: opts.inboxKeepMs ?? 15 * DAY,
      everyMs: opts.everyMs,
    });
  const event = () =>
    createEvent(
      'workflow.deleted',
      { workflowId: randomUUID(), ownerId: randomUUID() },
      { source: 'test' },
    );
  /** Appends an event, marked published `ageMs` ago (null: not published). */
  const outboxRow = async (publishedAgoMs: number | null) => {
    const e = event();
    await db.transaction().execute((trx) => appendToOutbox(trx, 'svc', [e]));
    if (publishedAgoMs !== null)
      await sql`update outbox set published_at = now() - make_interval(secs => ${publishedAgoMs / 1000})
        where id = ${e.id}`.execute(db);
    return e.id;
  };
  const inboxEntry = async (handledAgoMs: number) => {
    const id = randomUUID();
    await handleOnce(db, 'consumer', id, async () => undefined);
    await sql`update inbox set handled_at = now() - make_interval(secs => ${handledAgoMs / 1000})
      where event_id = ${id}`.execute(db);
    return id;
  };
  const outboxIds = async () =>
    (await db.selectFrom('outbox').select('id').execute()).map((r) => r.id).sort();
  const inboxIds = async () =>
    (await db.selectFrom('inbox').select('event_id').execute()).map((r) => r.event_id).sort();

  it('deletes published outbox rows past their retention and never an unpublished one', async () => {
    // Prepare: old and recent published rows; an unpublished row older than the retention
    const oldPublished = await outboxRow(2 * DAY);
    const recentPublished = await outboxRow(HOUR);
    const unpublished = await outboxRow(null);
    await sql`update outbox set created_at = now() - interval '30 days' where id = ${unpublished}`.execute(
      db,
    );

    // Act
    const pruned = await retention().prune();

    // Assess
    expect(pruned.outbox).toBe(1);
    expect(await outboxIds()).toEqual([recentPublished, unpublished].sort());
    expect(await outboxIds()).not.toContain(oldPublished);
  });

  it('deletes inbox entries past their retention, after which the same event is handled again', async () => {
    // Prepare
    const old = await inboxEntry(16 * DAY);
    const recent = await inboxEntry(DAY);

    // Act
    const pruned = await retention().prune();

    // Assess: the recent entry still deduplicates, the old one no longer does
    expect(pruned.inbox).toBe(1);
    expect(await inboxIds()).toEqual([recent]);
    const again = (id: string) => handleOnce(db, 'consumer', id, async () => undefined);
    expect(await again(recent)).toBe(false);
    expect(await again(old)).toBe(true);
  });

  it('deletes more rows than one statement takes', async () => {
    // Prepare: 12,000 old published rows (3 statements of 5,000)
    await sql`
      insert into outbox (id, type, envelope, published_at)
      select gen_random_uuid(), 'workflow.deleted', '{}'::jsonb, now() - interval '2 days'
      from generate_series(1, 12000)`.execute(db);
    const kept = await outboxRow(HOUR);

    // Act
    const pruned = await retention().prune();

    // Assess
    expect(pruned.outbox).toBe(12_000);
    expect(await outboxIds()).toEqual([kept]);
  });

  it('stops a long prune between statements when the process stops', async () => {
    // Prepare: a backlog of three statements
    await sql`
      insert into outbox (id, type, envelope, published_at)
      select gen_random_uuid(), 'workflow.deleted', '{}'::jsonb, now() - interval '2 days'
      from generate_series(1, 12000)`.execute(db);
    const r = retention();

    // Act: stopped while its first statement runs
    const pruning = r.prune();
    await r.stop();

    // Assess: one statement's rows gone, the rest left for the next start
    expect((await pruning).outbox).toBe(5_000);
    expect(await outboxIds()).toHaveLength(7_000);
  });

  it('prunes on its timer, and a relay keeps publishing meanwhile', async () => {
    // Prepare: a row already past a 1-second retention, and a relay of the same schema
    const old = await outboxRow(10_000);
    const published: string[] = [];
    const relay = new OutboxRelay({
      db: db as Kysely<unknown>,
      schema: 'svc',
      databaseUrl: testDb.url,
      publisher: {
        ...silentBus,
        publish: async (events) => void published.push(...events.map((e) => e.id)),
      },
      logger,
      pollMs: 50,
    });
    const running = retention({ outboxKeepMs: 1000, everyMs: 100 });
    await relay.start();
    running.start();
    try {
      // Act
      const fresh = event();
      await db.transaction().execute((trx) => appendToOutbox(trx, 'svc', [fresh]));

      // Assess: the old row goes on the timer; the new one is published, and goes a second later
      await waitFor(async () => !(await outboxIds()).includes(old), { message: 'old row pruned' });
      await waitFor(() => published.includes(fresh.id), { message: 'new event published' });
      await waitFor(async () => (await outboxIds()).length === 0, {
        timeoutMs: 5000,
        message: 'published row pruned after its retention',
      });
    } finally {
      await running.stop();
      await relay.stop();
    }
  });
});
