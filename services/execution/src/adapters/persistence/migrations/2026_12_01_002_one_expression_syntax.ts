import { sql, type Migration } from 'kysely';
import { upgradeExpressionSyntax } from '@flowgenie/workflow';
import type { WorkflowGraph } from '@flowgenie/contracts';

/**
 * One expression syntax (see the catalog's migration of the same name): an execution keeps the
 * graph it runs, and a step still to run, or an execution retried later, must read its
 * transform/if configs as `{{ }}` templates too.
 */
export const oneExpressionSyntaxMigration: Migration = {
  async up(db) {
    const rows = await sql<{ id: string; graph: WorkflowGraph }>`
      select id, graph from executions
      where jsonb_path_exists(graph, '$.nodes[*] ? (@.type == "transform" || @.type == "if")')`.execute(
      db,
    );
    for (const row of rows.rows) {
      const { graph, changed } = upgradeExpressionSyntax(row.graph);
      if (changed)
        await sql`update executions set graph = ${JSON.stringify(graph)}::jsonb where id = ${row.id}`.execute(
          db,
        );
    }
  },
  // The rewritten graphs mean the same under the new syntax: nothing to undo.
  async down() {},
};
