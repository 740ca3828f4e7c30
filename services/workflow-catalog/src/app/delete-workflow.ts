import { WorkflowNotFoundError } from '../domain/errors';
import type { CatalogDeps } from './deps';

/**
 * Deletes a workflow and its versions. An active workflow is deactivated first, so the trigger
 * service drops its webhook and schedule (workflow.deactivated, then workflow.deleted).
 */
export function deleteWorkflow({ store }: Pick<CatalogDeps, 'store'>) {
  return async (input: { ownerId: string; workflowId: string }): Promise<void> => {
    await store.transaction(async (tx) => {
      const workflow = await tx.getForUpdate(input.ownerId, input.workflowId);
      if (!workflow) throw new WorkflowNotFoundError();
      const ref = { workflowId: workflow.id, ownerId: workflow.ownerId };
      if (workflow.active) await tx.emit('workflow.deactivated', ref);
      await tx.remove(workflow.id);
      await tx.emit('workflow.deleted', ref);
    });
  };
}
