import { VersionNotFoundError, WorkflowNotFoundError } from '../domain/errors';
import type { WorkflowVersion } from '../domain/workflow';
import type { CatalogDeps } from './deps';

export function getVersion({ store }: Pick<CatalogDeps, 'store'>) {
  return async (input: {
    ownerId: string;
    workflowId: string;
    version: number;
  }): Promise<WorkflowVersion> => {
    const workflow = await store.get(input.ownerId, input.workflowId);
    if (!workflow) throw new WorkflowNotFoundError();
    const version = await store.getVersion(workflow.id, input.version);
    if (!version) throw new VersionNotFoundError(input.version);
    return version;
  };
}
