import type { WorkflowGraph } from '@flowgenie/contracts';
import { edgeId } from './ids';
import { autoLayout } from './layout';
import type { EditorEdge, EditorNode, KindOf } from './types';

/** Editor graph → the API's WorkflowGraph (positions rounded; UI-only state dropped). */
export function toApiGraph(
  nodes: readonly EditorNode[],
  edges: readonly Pick<EditorEdge, 'id' | 'source' | 'target' | 'sourceHandle'>[],
): WorkflowGraph {
  return {
    nodes: nodes.map((n) => ({
      id: n.id,
      type: n.data.nodeType,
      ...(n.data.name ? { name: n.data.name } : {}),
      position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
      config: n.data.config ?? {},
      ...(n.data.retry && Object.keys(n.data.retry).length > 0 ? { retry: n.data.retry } : {}),
      ...(n.data.pinnedData !== undefined ? { pinnedData: n.data.pinnedData } : {}),
    })),
    edges: edges.map((e) => ({
      id: e.id,
      source: e.source,
      sourceHandle: e.sourceHandle ?? 'main',
      target: e.target,
    })),
  };
}

/** Edge as drawn: branch edges carry their handle as a label ("true" / "false"). */
export function toEditorEdge(e: {
  id?: string;
  source: string;
  sourceHandle?: string | null;
  target: string;
}): EditorEdge {
  const handle = e.sourceHandle ?? 'main';
  return {
    id: e.id ?? edgeId(e.source, handle, e.target),
    source: e.source,
    sourceHandle: handle,
    target: e.target,
    ...(handle !== 'main' ? { label: handle } : {}),
  };
}

/**
 * The API's WorkflowGraph → editor nodes and edges. A graph whose nodes all sit at the origin
 * (built by a script or imported) is laid out left to right.
 */
export function fromApiGraph(
  graph: Partial<WorkflowGraph> | null | undefined,
  kindOf: KindOf,
): { nodes: EditorNode[]; edges: EditorEdge[] } {
  const apiNodes = graph?.nodes ?? [];
  const apiEdges = graph?.edges ?? [];
  let nodes: EditorNode[] = apiNodes.map((n) => ({
    id: n.id,
    type: kindOf(n.type),
    position: { x: n.position?.x ?? 0, y: n.position?.y ?? 0 },
    data: {
      nodeType: n.type,
      ...(n.name ? { name: n.name } : {}),
      config: (n.config ?? {}) as Record<string, unknown>,
      ...(n.retry ? { retry: n.retry } : {}),
      ...(n.pinnedData !== undefined ? { pinnedData: n.pinnedData } : {}),
    },
  }));
  const edges = apiEdges.map(toEditorEdge);
  const unplaced = nodes.length > 1 && nodes.every((n) => n.position.x === 0 && n.position.y === 0);
  if (unplaced) nodes = autoLayout(nodes, edges);
  return { nodes, edges };
}
