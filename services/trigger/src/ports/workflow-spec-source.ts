import type { WorkflowGraph } from '@flowgenie/contracts';

export interface RunSpec {
  graph: WorkflowGraph;
  /** The published version to run, or null for the current draft. */
  version: number | null;
  name: string;
}

/**
 * Where a manual run gets what to run: the catalog's internal run-spec endpoint. Answers
 * undefined when the workflow does not exist for `ownerId` (another user's looks the same).
 *
 * @example
 * const spec = await specs.getRunSpec({ workflowId, ownerId: user.id, draft: false });
 */
export interface WorkflowSpecSource {
  getRunSpec(query: {
    workflowId: string;
    ownerId: string;
    draft: boolean;
  }): Promise<RunSpec | undefined>;
}
