import { maskSecrets, secretPaths } from '@flowgenie/workflow';
import { WorkflowNotFoundError } from '../domain/errors';
import { toExportDocument, type ExportDocument } from '../domain/export-document';
import type { CatalogDeps } from './deps';

/** The draft as a portable document (no workflow id, no hook id, no secrets). */
export function exportWorkflow({ store }: Pick<CatalogDeps, 'store'>) {
  return async (input: { ownerId: string; workflowId: string }): Promise<ExportDocument> => {
    const workflow = await store.get(input.ownerId, input.workflowId);
    if (!workflow) throw new WorkflowNotFoundError();
    return toExportDocument(
      { ...workflow, graph: maskSecrets(workflow.graph) },
      secretPaths(workflow.graph),
    );
  };
}
