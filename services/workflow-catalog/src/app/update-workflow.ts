import type { WorkflowGraph } from '@flowgenie/contracts';
import { restoreSecrets } from '@flowgenie/workflow';
import { WorkflowNotFoundError } from '../domain/errors';
import { draftChangedSince, type Workflow } from '../domain/workflow';
import type { CatalogDeps } from './deps';
import { assertGraphSize, withValidation, type WorkflowDetails } from './graph-checks';
import { sealGraph } from './seal-graph';

export interface UpdateWorkflowInput {
  ownerId: string;
  workflowId: string;
  name?: string;
  description?: string;
  /**
   * Saved as is even when incomplete; `validation` in the answer lists its problems. A secret
   * equal to the placeholder keeps the value stored for that node id and field (unset if none).
   */
  graph?: WorkflowGraph;
}

/** Saves the draft (name, description, graph). Published versions never change. */
export function updateWorkflow({
  store,
  clock,
  secrets,
  scheduleBackend,
}: Pick<CatalogDeps, 'store' | 'clock' | 'secrets' | 'scheduleBackend'>) {
  return async (input: UpdateWorkflowInput): Promise<WorkflowDetails> => {
    if (input.graph) assertGraphSize(input.graph);
    // Sealed before the transaction: encryption is slow next to a row lock.
    const incoming = input.graph ? await sealGraph(input.graph, secrets) : undefined;
    const workflow = await store.transaction(async (tx) => {
      const current = await tx.getForUpdate(input.ownerId, input.workflowId);
      if (!current) throw new WorkflowNotFoundError();
      const graph = incoming ? restoreSecrets(incoming, current.graph).graph : undefined;
      // Restored secrets may be longer than the placeholders they replace.
      if (graph) assertGraphSize(graph);
      const next: Workflow = {
        ...current,
        name: input.name ?? current.name,
        description: input.description ?? current.description,
        graph: graph ?? current.graph,
        updatedAt: clock.now(),
      };
      if (graph) {
        const latest =
          current.latestVersion === null
            ? undefined
            : await tx.getVersion(current.id, current.latestVersion);
        next.draftChangedSincePublish = draftChangedSince(graph, latest?.graph ?? null);
      }
      await tx.update(next);
      return next;
    });
    return withValidation(workflow, scheduleBackend);
  };
}
