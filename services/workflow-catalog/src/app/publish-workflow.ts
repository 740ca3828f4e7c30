import { WorkflowNotFoundError } from '../domain/errors';
import { nextVersion, type WorkflowVersion } from '../domain/workflow';
import type { CatalogDeps } from './deps';
import { assertValidGraph } from './graph-checks';

/**
 * Freezes the current draft as the next numbered version (immutable from then on) and announces
 * it with workflow.published. An invalid draft is refused with every problem located.
 */
export function publishWorkflow({ store, clock }: Pick<CatalogDeps, 'store' | 'clock'>) {
  return async (input: { ownerId: string; workflowId: string }): Promise<WorkflowVersion> =>
    store.transaction(async (tx) => {
      const workflow = await tx.getForUpdate(input.ownerId, input.workflowId);
      if (!workflow) throw new WorkflowNotFoundError();
      assertValidGraph(workflow.graph);
      const now = clock.now();
      const version: WorkflowVersion = {
        workflowId: workflow.id,
        version: nextVersion(workflow),
        graph: workflow.graph,
        createdAt: now,
      };
      await tx.insertVersion(version);
      await tx.update({
        ...workflow,
        latestVersion: version.version,
        draftChangedSincePublish: false,
        updatedAt: now,
      });
      await tx.emit('workflow.published', {
        workflowId: workflow.id,
        ownerId: workflow.ownerId,
        version: version.version,
        name: workflow.name,
        graph: version.graph,
      });
      return version;
    });
}
