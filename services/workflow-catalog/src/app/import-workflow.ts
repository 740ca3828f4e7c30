import { upgradeExpressionSyntax } from '@flowgenie/workflow';
import type { ImportDocument } from '../domain/export-document';
import type { CatalogDeps } from './deps';
import { createWorkflow } from './create-workflow';
import type { WorkflowDetails } from './graph-checks';

/**
 * Creates a workflow from an exported document: new workflow id and hook id; node and edge ids
 * are kept because expressions refer to nodes by id. Secrets the export replaced by the
 * placeholder are stored unset; `validation` in the answer flags the required ones. A version 1
 * document's raw JSONata (transform, if) is rewritten to `{{ }}`, as the stored drafts were.
 */
export function importWorkflow(deps: CatalogDeps) {
  const create = createWorkflow(deps);
  return async (input: { ownerId: string; document: ImportDocument }): Promise<WorkflowDetails> =>
    create({
      ownerId: input.ownerId,
      name: input.document.name,
      description: input.document.description,
      graph:
        input.document.formatVersion === 1
          ? upgradeExpressionSyntax(input.document.graph).graph
          : input.document.graph,
    });
}
