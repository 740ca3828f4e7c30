import { upstreamOf as upstreamInGraph } from '@flowgenie/workflow/core';
import type { EditorEdge } from '../../../lib/graph';

type Edges = readonly Pick<EditorEdge, 'source' | 'target'>[];

/** Ids of every node that can run before `nodeId` (its ancestors): the executor's own rule. */
export function upstreamOf(nodeId: string, edges: Edges): string[] {
  return upstreamInGraph(
    { nodes: [], edges: edges.map((e, i) => ({ id: String(i), ...e })) },
    nodeId,
  );
}

/** True when adding source → target would close a cycle (target already reaches source). */
export function wouldCreateCycle(source: string, target: string, edges: Edges): boolean {
  if (source === target) return true;
  return upstreamOf(source, edges).includes(target);
}
