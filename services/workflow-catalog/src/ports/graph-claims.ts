import type { PayloadRef, WorkflowGraph } from '@flowgenie/contracts';

/** A version's graph as workflow.published / workflow.activated carry it: inline, or by reference. */
export type AnnouncedGraph = { graph: WorkflowGraph } | { graphRef: PayloadRef };

/**
 * The claim check of announced graphs: a graph above the inline limit is stored once, durably,
 * and the event carries its reference, so no event exceeds what the bus takes (EventBridge: 256 KB).
 */
export interface GraphClaims {
  /** `{ graph }` when small, else `{ graphRef }` once the graph is stored under `key`. */
  checkIn(graph: WorkflowGraph, key: string): Promise<AnnouncedGraph>;
}

/** Every graph inline (no store): unit tests, and a catalog composed without a store. */
export const inlineGraphs: GraphClaims = { checkIn: async (graph) => ({ graph }) };

/**
 * The store key of a version's graph. A version never changes, so publish and every activation of
 * it store the same bytes under the same key (each put restarts its retention).
 */
export const announcedGraphKey = (workflowId: string, version: number) =>
  `workflows/${workflowId}/v${version}.graph`;
