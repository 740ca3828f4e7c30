import { VersionNotFoundError, WorkflowNotFoundError } from '../domain/errors';
import { chooseActivationVersion, type Workflow } from '../domain/workflow';
import type { CatalogDeps } from './deps';
import { withValidation, type WorkflowDetails } from './graph-checks';

/**
 * Makes a published version (default: the latest) the live one. workflow.activated carries what
 * the trigger service needs to register the trigger: name, version, graph and hook id.
 */
export function activateWorkflow({ store, clock }: Pick<CatalogDeps, 'store' | 'clock'>) {
  return async (input: {
    ownerId: string;
    workflowId: string;
    version?: number;
  }): Promise<WorkflowDetails> => {
    const workflow = await store.transaction(async (tx) => {
      const current = await tx.getForUpdate(input.ownerId, input.workflowId);
      if (!current) throw new WorkflowNotFoundError();
      const versionNumber = chooseActivationVersion(current, input.version);
      const version = await tx.getVersion(current.id, versionNumber);
      if (!version) throw new VersionNotFoundError(versionNumber);
      const next: Workflow = {
        ...current,
        active: true,
        activeVersion: versionNumber,
        updatedAt: clock.now(),
      };
      await tx.update(next);
      await tx.emit('workflow.activated', {
        workflowId: next.id,
        ownerId: next.ownerId,
        version: versionNumber,
        name: next.name,
        hookId: next.hookId,
        graph: version.graph,
      });
      return next;
    });
    return withValidation(workflow);
  };
}
