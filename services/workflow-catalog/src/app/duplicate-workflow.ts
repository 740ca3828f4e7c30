import { WorkflowNotFoundError } from '../domain/errors';
import { copyName } from '../domain/workflow';
import type { CatalogDeps } from './deps';
import { createWorkflow } from './create-workflow';
import type { WorkflowDetails } from './graph-checks';

/** A new, inactive, unpublished workflow with the same draft, a new id and a new hook id. */
export function duplicateWorkflow(deps: CatalogDeps) {
  const create = createWorkflow(deps);
  return async (input: { ownerId: string; workflowId: string }): Promise<WorkflowDetails> => {
    const source = await deps.store.get(input.ownerId, input.workflowId);
    if (!source) throw new WorkflowNotFoundError();
    return create({
      ownerId: input.ownerId,
      name: copyName(source.name),
      description: source.description,
      graph: source.graph,
    });
  };
}
