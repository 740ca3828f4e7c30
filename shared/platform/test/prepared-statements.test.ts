import { sql, type Kysely } from 'kysely';
import { createTestDatabase, type TestDatabase } from '@flowgenie/testing';
import { createDb } from '@flowgenie/platform';

let database: TestDatabase;
let db: Kysely<unknown>;
let other: Kysely<unknown>;
beforeAll(async () => {
  database = await createTestDatabase('prepared');
  // One connection, so every statement below meets the same prepared ones.
  db = createDb({ url: database.url, schema: 'public', max: 1 });
  other = createDb({ url: database.url, schema: 'public', max: 1 });
  await sql`create table items (id int primary key, name text)`.execute(db);
  await sql`insert into items values (1, 'one'), (2, 'two')`.execute(db);
});
afterAll(async () => {
  await db?.destroy();
  await other?.destroy();
  await database?.drop();
});

const byId = (id: number) => sql<Record<string, unknown>>`select * from items where id = ${id}`;
const prepared = async () =>
  (
    await sql<{
      statement: string;
    }>`select statement from pg_prepared_statements where statement like ${'%from items%'}`.execute(
      db,
    )
  ).rows.map((r) => r.statement);

it("prepares a statement with parameters once per connection and runs it with each call's values", async () => {
  expect((await byId(1).execute(db)).rows).toEqual([{ id: 1, name: 'one' }]);
  expect((await byId(2).execute(db)).rows).toEqual([{ id: 2, name: 'two' }]);
  expect(await prepared()).toEqual(['select * from items where id = $1']);
});

it('answers with the new columns when a migration changes the table under a prepared select *', async () => {
  await byId(1).execute(db);
  await sql`alter table items add column color text default 'red'`.execute(other);
  // Postgres refuses the prepared plan ("cached plan must not change result type"): run again.
  expect((await byId(1).execute(db)).rows).toEqual([{ id: 1, name: 'one', color: 'red' }]);
  expect((await byId(2).execute(db)).rows).toEqual([{ id: 2, name: 'two', color: 'red' }]);
});

it('fails the transaction that meets such a change, and the next one runs', async () => {
  await byId(1).execute(db);
  await sql`alter table items add column size int default 3`.execute(other);
  await expect(db.transaction().execute((trx) => byId(1).execute(trx))).rejects.toThrow(
    /cached plan must not change result type/,
  );
  const rows = await db.transaction().execute(async (trx) => (await byId(1).execute(trx)).rows);
  expect(rows).toEqual([{ id: 1, name: 'one', color: 'red', size: 3 }]);
});

it('leaves statements without parameters unprepared', async () => {
  await sql`select count(*) from items`.execute(db);
  expect(await prepared()).not.toContain('select count(*) from items');
});

it('runs a batch whose text grows with its rows unnamed, so its text is not kept', async () => {
  const ids = Array.from({ length: 1500 }, (_, i) => i + 100);
  const rows = await sql<{
    n: number;
  }>`select count(*)::int as n from items where id in (${sql.join(ids)})`.execute(db);
  expect(rows.rows).toEqual([{ n: 0 }]);
  expect((await prepared()).some((s) => s.includes('$1500'))).toBe(false);
});
