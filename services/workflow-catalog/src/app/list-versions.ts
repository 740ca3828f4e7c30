import { WorkflowNotFoundError } from '../domain/errors';
import type { VersionSummary } from '../ports/workflow-store';
import type { CatalogDeps } from './deps';

/** Published versions of a workflow, newest first. */
export function listVersions({ store }: Pick<CatalogDeps, 'store'>) {
  return async (input: { ownerId: string; workflowId: string }): Promise<VersionSummary[]> => {
    const workflow = await store.get(input.ownerId, input.workflowId);
    if (!workflow) throw new WorkflowNotFoundError();
    return store.listVersions(workflow.id);
  };
}
