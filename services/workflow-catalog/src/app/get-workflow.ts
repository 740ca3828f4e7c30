import { WorkflowNotFoundError } from '../domain/errors';
import type { CatalogDeps } from './deps';
import { withValidation, type WorkflowDetails } from './graph-checks';
import { withLastExecution } from './last-executions';

export function getWorkflow({
  store,
  scheduleBackend,
  lastExecutions,
}: Pick<CatalogDeps, 'store' | 'scheduleBackend' | 'lastExecutions'>) {
  return async (input: { ownerId: string; workflowId: string }): Promise<WorkflowDetails> => {
    const workflow = await store.get(input.ownerId, input.workflowId);
    if (!workflow) throw new WorkflowNotFoundError();
    return withLastExecution(lastExecutions, withValidation(workflow, scheduleBackend));
  };
}
