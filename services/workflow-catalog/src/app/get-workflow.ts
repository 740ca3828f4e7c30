import { WorkflowNotFoundError } from '../domain/errors';
import type { CatalogDeps } from './deps';
import { withValidation, type WorkflowDetails } from './graph-checks';

export function getWorkflow({
  store,
  scheduleBackend,
}: Pick<CatalogDeps, 'store' | 'scheduleBackend'>) {
  return async (input: { ownerId: string; workflowId: string }): Promise<WorkflowDetails> => {
    const workflow = await store.get(input.ownerId, input.workflowId);
    if (!workflow) throw new WorkflowNotFoundError();
    return withValidation(workflow, scheduleBackend);
  };
}
