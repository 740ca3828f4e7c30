import { sql, type Kysely, type Migration } from 'kysely';
import { upgradeExpressionSyntax } from '@flowgenie/workflow';
import type { WorkflowGraph } from '@flowgenie/contracts';

/** Rows whose graph has a transform or if node: the only ones the upgrade can change. */
const HAS_LEGACY_TYPES = sql<boolean>`jsonb_path_exists(graph, '$.nodes[*] ? (@.type == "transform" || @.type == "if")')`;

/**
 * One expression syntax: transform's output and if's condition held raw JSONata; every field is
 * a `{{ }}` template now. Drafts and published versions are rewritten (`steps.a.ok` becomes
 * `{{ steps.a.ok }}`, which evaluates the same). Versions are otherwise immutable, so their
 * guard trigger is off for this one rewrite only (same transaction).
 */
export const oneExpressionSyntaxMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const drafts = await sql<{ id: string; graph: WorkflowGraph }>`
      select id, graph from workflows where ${HAS_LEGACY_TYPES}`.execute(db);
    for (const row of drafts.rows) {
      const { graph, changed } = upgradeExpressionSyntax(row.graph);
      if (changed)
        await sql`update workflows set graph = ${JSON.stringify(graph)}::jsonb where id = ${row.id}`.execute(
          db,
        );
    }
    const versions = await sql<{ workflow_id: string; version: number; graph: WorkflowGraph }>`
      select workflow_id, version, graph from workflow_versions where ${HAS_LEGACY_TYPES}`.execute(
      db,
    );
    await sql`alter table workflow_versions disable trigger workflow_versions_no_update`.execute(
      db,
    );
    for (const row of versions.rows) {
      const { graph, changed } = upgradeExpressionSyntax(row.graph);
      if (changed)
        await sql`
          update workflow_versions set graph = ${JSON.stringify(graph)}::jsonb
          where workflow_id = ${row.workflow_id} and version = ${row.version}`.execute(db);
    }
    await sql`alter table workflow_versions enable trigger workflow_versions_no_update`.execute(db);
  },
  // The rewritten graphs mean the same under the new syntax: nothing to undo.
  async down() {},
};
