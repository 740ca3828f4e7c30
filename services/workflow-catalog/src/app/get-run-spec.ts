import type { WorkflowGraph } from '@flowgenie/contracts';
import { VersionNotFoundError, WorkflowNotFoundError } from '../domain/errors';
import { runnableVersion } from '../domain/workflow';
import type { CatalogDeps } from './deps';
import { assertValidGraph } from './graph-checks';

export interface RunSpec {
  graph: WorkflowGraph;
  /** null for a test run of the draft. */
  version: number | null;
  name: string;
}

/**
 * What a manual run executes (asked by the trigger service): the draft for a test run (refused
 * with located errors when it is not valid), otherwise the active version, else the latest one.
 */
export function getRunSpec({ store }: Pick<CatalogDeps, 'store'>) {
  return async (input: {
    ownerId: string;
    workflowId: string;
    draft: boolean;
  }): Promise<RunSpec> => {
    const workflow = await store.get(input.ownerId, input.workflowId);
    if (!workflow) throw new WorkflowNotFoundError();
    if (input.draft) {
      assertValidGraph(workflow.graph);
      return { graph: workflow.graph, version: null, name: workflow.name };
    }
    const versionNumber = runnableVersion(workflow);
    const version = await store.getVersion(workflow.id, versionNumber);
    if (!version) throw new VersionNotFoundError(versionNumber);
    return { graph: version.graph, version: version.version, name: workflow.name };
  };
}
