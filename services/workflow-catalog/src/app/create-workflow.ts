import type { WorkflowGraph } from '@flowgenie/contracts';
import { restoreSecrets } from '@flowgenie/workflow';
import { emptyGraph } from '../domain/graph';
import type { Workflow } from '../domain/workflow';
import type { CatalogDeps } from './deps';
import { assertGraphSize, withValidation, type WorkflowDetails } from './graph-checks';
import { sealGraph } from './seal-graph';

export interface CreateWorkflowInput {
  ownerId: string;
  name: string;
  description?: string;
  /**
   * Already in the graph's shape; may be semantically incomplete (a draft). A secret equal to
   * the placeholder has nothing to stand for in a new workflow: it is stored unset.
   */
  graph?: WorkflowGraph;
}

/** Creates an inactive, unpublished workflow with a fresh hook id. */
export function createWorkflow({ store, clock, ids, secrets, scheduleBackend }: CatalogDeps) {
  return async (input: CreateWorkflowInput): Promise<WorkflowDetails> => {
    const graph = await sealGraph(restoreSecrets(input.graph ?? emptyGraph(), null).graph, secrets);
    assertGraphSize(graph);
    const now = clock.now();
    const workflow: Workflow = {
      id: ids.workflowId(),
      ownerId: input.ownerId,
      name: input.name,
      description: input.description ?? '',
      graph,
      hookId: ids.hookId(),
      active: false,
      activeVersion: null,
      latestVersion: null,
      draftChangedSincePublish: true,
      createdAt: now,
      updatedAt: now,
    };
    await store.transaction((tx) => tx.insert(workflow));
    // Known never to have run, without asking the execution service.
    return {
      ...withValidation(workflow, scheduleBackend),
      lastExecution: null,
      lastExecutionKnown: true,
    };
  };
}
