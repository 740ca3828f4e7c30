import { WorkflowNotFoundError } from '../domain/errors';
import type { CatalogDeps } from './deps';
import { checkGraph, type GraphValidation } from './graph-checks';

/** Full validation of the current draft, without saving or publishing anything. */
export function validateWorkflow({ store }: Pick<CatalogDeps, 'store'>) {
  return async (input: { ownerId: string; workflowId: string }): Promise<GraphValidation> => {
    const workflow = await store.get(input.ownerId, input.workflowId);
    if (!workflow) throw new WorkflowNotFoundError();
    return checkGraph(workflow.graph);
  };
}
