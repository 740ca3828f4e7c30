import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createDb, runMigrations } from '@flowgenie/platform';
import { createTestDatabase, type TestDatabase } from '@flowgenie/testing';
import { migrations } from '../src/adapters/persistence/migrations';
import { CATALOG_SCHEMA, type CatalogDb } from '../src/adapters/persistence/workflow.table';

const NEW_MIGRATION = '2026_12_01_002_one_expression_syntax';

/** A graph saved when transform and if held raw JSONata. */
const legacyGraph = (condition: string) => ({
  nodes: [
    { id: 'start', type: 'manual', position: { x: 0, y: 0 }, config: {} },
    {
      id: 'sum',
      type: 'transform',
      position: { x: 1, y: 0 },
      config: { expression: '{ "total": 3 }' },
    },
    { id: 'big', type: 'if', position: { x: 2, y: 0 }, config: { condition } },
    {
      id: 'call',
      type: 'http_request',
      position: { x: 3, y: 0 },
      config: { url: 'https://x.example/steps.sum' },
    },
  ],
  edges: [],
});

describe('migration: one expression syntax', () => {
  let database: TestDatabase;
  const db = () => createDb<CatalogDb>({ url: database.url, schema: CATALOG_SCHEMA, max: 1 });

  beforeAll(async () => {
    database = await createTestDatabase('catalog_expr_migration');
  });
  afterAll(() => database.drop());

  it('rewrites raw JSONata in drafts and published versions, and keeps versions immutable', async () => {
    const conn = db();
    try {
      const before = Object.fromEntries(
        Object.entries(migrations).filter(([name]) => name < NEW_MIGRATION),
      );
      await runMigrations(conn as never, CATALOG_SCHEMA, before);
      const id = randomUUID();
      const now = new Date();
      await conn
        .insertInto('workflows')
        .values({
          id,
          owner_id: randomUUID(),
          name: 'old',
          description: '',
          graph: JSON.stringify(legacyGraph('steps.sum.total > 2')) as never,
          hook_id: `h${id.slice(0, 8)}`,
          created_at: now,
          updated_at: now,
          latest_version: 1,
          active: false,
          draft_changed_since_publish: false,
        })
        .execute();
      await conn
        .insertInto('workflow_versions')
        .values({
          workflow_id: id,
          version: 1,
          graph: JSON.stringify(legacyGraph('{{ steps.sum.total > 1 }}')) as never,
          created_at: now,
        })
        .execute();

      await runMigrations(conn as never, CATALOG_SCHEMA, migrations);

      const draft = await conn
        .selectFrom('workflows')
        .select('graph')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(draft.graph.nodes.map((n) => n.config)).toEqual([
        {},
        { expression: '{{ { "total": 3 } }}' },
        { condition: '{{ steps.sum.total > 2 }}' },
        { url: 'https://x.example/steps.sum' },
      ]);
      const version = await conn
        .selectFrom('workflow_versions')
        .select('graph')
        .where('workflow_id', '=', id)
        .executeTakeFirstOrThrow();
      expect(version.graph.nodes[1].config).toEqual({ expression: '{{ { "total": 3 } }}' });
      expect(version.graph.nodes[2].config).toEqual({ condition: '{{ steps.sum.total > 1 }}' });
      await expect(
        sql`update workflow_versions set created_at = now() where workflow_id = ${id}`.execute(
          conn,
        ),
      ).rejects.toThrow('workflow versions are immutable');
    } finally {
      await conn.destroy();
    }
  });
});
