import { WorkflowNotFoundError } from '../domain/errors';
import type { Workflow } from '../domain/workflow';
import type { CatalogDeps } from './deps';
import { withValidation, type WorkflowDetails } from './graph-checks';

/** Stops the live version. Deactivating an inactive workflow changes nothing and emits nothing. */
export function deactivateWorkflow({
  store,
  clock,
  scheduleBackend,
}: Pick<CatalogDeps, 'store' | 'clock' | 'scheduleBackend'>) {
  return async (input: { ownerId: string; workflowId: string }): Promise<WorkflowDetails> => {
    const workflow = await store.transaction(async (tx) => {
      const current = await tx.getForUpdate(input.ownerId, input.workflowId);
      if (!current) throw new WorkflowNotFoundError();
      if (!current.active) return current;
      const next: Workflow = {
        ...current,
        active: false,
        activeVersion: null,
        updatedAt: clock.now(),
      };
      await tx.update(next);
      await tx.emit('workflow.deactivated', { workflowId: next.id, ownerId: next.ownerId });
      return next;
    });
    return withValidation(workflow, scheduleBackend);
  };
}
