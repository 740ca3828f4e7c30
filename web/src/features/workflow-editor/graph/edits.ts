import {
  LAYER_GAP,
  ROW_GAP,
  autoLayout,
  edgeId,
  isValidNodeId,
  newNodeId,
  toEditorEdge,
  type EditorEdge,
  type EditorNode,
  type NodeKind,
  type StepNodeData,
} from '../../../lib/graph';
import { wouldCreateCycle } from './topology';

/**
 * The editor's graph edits as pure functions: each takes a graph and returns a new one (or a
 * refusal), leaving untouched nodes and edges as the same objects so React Flow re-renders only
 * what changed. The store adds history, selection bookkeeping and save state around them.
 */
export interface EditorGraph {
  nodes: EditorNode[];
  edges: EditorEdge[];
}

export interface ConnectionRequest {
  source: string | null;
  target: string | null;
  sourceHandle?: string | null;
}

export interface AddNodeOptions {
  position?: { x: number; y: number };
  /**
   * Place the node after this one and connect it from `handle`. With the node's `outputs`
   * (If: true, false) each output gets its own row, in the order the outputs are drawn.
   */
  after?: { nodeId: string; handle: string; outputs?: readonly string[] };
}

/** How far each paste moves its copies from the originals (times the paste count). */
export const PASTE_OFFSET = 40;

/** The id of the one selected node; null for none or several. */
export function singleSelected(nodes: readonly EditorNode[]): string | null {
  let found: string | null = null;
  for (const n of nodes) {
    if (!n.selected) continue;
    if (found !== null) return null;
    found = n.id;
  }
  return found;
}

/** `steps.<from>` → `steps.<to>` in every string inside a config. */
export function rewriteRefs(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') {
    const re = new RegExp(`(\\bsteps\\s*\\.\\s*)${from}\\b`, 'g');
    return value.replace(re, `$1${to}`);
  }
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, from, to));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteRefs(v, from, to)]));
  }
  return value;
}

/**
 * Why a connection is refused, in words a user reads while dragging it: into a trigger, onto
 * itself, twice from one handle, or into a cycle. Null when it is allowed.
 */
export function connectionProblem(graph: EditorGraph, c: ConnectionRequest): string | null {
  if (!c.source || !c.target) return 'Drop the connection on the input of a step.';
  const name = (id: string) => {
    const n = graph.nodes.find((x) => x.id === id);
    return `“${n?.data.name || id}”`;
  };
  if (c.source === c.target) return `${name(c.source)} cannot connect to itself.`;
  const target = graph.nodes.find((n) => n.id === c.target);
  if (!target) return 'Drop the connection on the input of a step.';
  if (target.type === 'trigger')
    return `${name(c.target)} is the trigger: it starts the workflow, so nothing connects into it.`;
  const handle = c.sourceHandle ?? 'main';
  const duplicate = graph.edges.some(
    (e) => e.source === c.source && (e.sourceHandle ?? 'main') === handle && e.target === c.target,
  );
  if (duplicate) return `${name(c.source)} is already connected to ${name(c.target)}.`;
  if (wouldCreateCycle(c.source, c.target, graph.edges))
    return `Not connected: ${name(c.target)} already runs before ${name(c.source)}, so this would make a loop. Workflows cannot loop back.`;
  return null;
}

/** A connection is refused into a trigger, onto itself, twice from one handle, or into a cycle. */
export function canConnect(graph: EditorGraph, c: ConnectionRequest): boolean {
  return connectionProblem(graph, c) === null;
}

/** The graph with the connection added, or null when `canConnect` refuses it. */
export function connect(graph: EditorGraph, c: ConnectionRequest): EditorGraph | null {
  if (!canConnect(graph, c) || !c.source || !c.target) return null;
  const handle = c.sourceHandle ?? 'main';
  const edge = toEditorEdge({
    id: edgeId(c.source, handle, c.target),
    source: c.source,
    sourceHandle: handle,
    target: c.target,
  });
  return { nodes: graph.nodes, edges: [...graph.edges, edge] };
}

function newNodePosition(
  graph: EditorGraph,
  after: EditorNode | undefined,
  from?: AddNodeOptions['after'],
) {
  if (after) {
    const outputs = from?.outputs ?? [];
    const index = from ? outputs.indexOf(from.handle) : -1;
    if (outputs.length > 1 && index >= 0) {
      // Rows centred on the node, one per output; more steps on one output stack below its row.
      const onHandle = graph.edges.filter(
        (e) => e.source === after.id && (e.sourceHandle ?? 'main') === from?.handle,
      ).length;
      const row = (index - (outputs.length - 1) / 2) * ROW_GAP;
      return {
        x: after.position.x + LAYER_GAP,
        y: after.position.y + row + onHandle * outputs.length * ROW_GAP,
      };
    }
    const siblings = graph.edges.filter((e) => e.source === after.id).length;
    return { x: after.position.x + LAYER_GAP, y: after.position.y + siblings * ROW_GAP };
  }
  const maxX = graph.nodes.reduce((m, n) => Math.max(m, n.position.x), -LAYER_GAP);
  const last = graph.nodes[graph.nodes.length - 1];
  return { x: maxX + LAYER_GAP, y: last?.position.y ?? 0 };
}

const deselectNodes = (nodes: readonly EditorNode[]) =>
  nodes.map((n) => (n.selected ? { ...n, selected: false } : n));
const deselectEdges = (edges: readonly EditorEdge[]) =>
  edges.map((e) => (e.selected ? { ...e, selected: false } : e));

/**
 * Add a node (selected, everything else deselected) with a readable unique id. Without a
 * position it goes after `after` (below its other successors), or right of the rightmost node.
 */
export function addNode(
  graph: EditorGraph,
  nodeType: string,
  kind: NodeKind,
  options: AddNodeOptions = {},
): { graph: EditorGraph; id: string } {
  const id = newNodeId(
    nodeType,
    graph.nodes.map((n) => n.id),
  );
  const after = options.after ? graph.nodes.find((n) => n.id === options.after?.nodeId) : undefined;
  const position = options.position ?? newNodePosition(graph, after, options.after);
  const node: EditorNode = {
    id,
    type: kind,
    position,
    selected: true,
    data: { nodeType, config: {} },
  };
  let edges = deselectEdges(graph.edges);
  if (after && options.after && kind !== 'trigger') {
    const handle = options.after.handle;
    edges = [
      ...edges,
      toEditorEdge({
        id: edgeId(after.id, handle, id),
        source: after.id,
        sourceHandle: handle,
        target: id,
      }),
    ];
  }
  return { graph: { nodes: [...deselectNodes(graph.nodes), node], edges }, id };
}

function mapNode(graph: EditorGraph, nodeId: string, fn: (n: EditorNode) => EditorNode) {
  return { nodes: graph.nodes.map((n) => (n.id === nodeId ? fn(n) : n)), edges: graph.edges };
}

export function setConfig(
  graph: EditorGraph,
  nodeId: string,
  config: Record<string, unknown>,
): EditorGraph {
  return mapNode(graph, nodeId, (n) => ({ ...n, data: { ...n.data, config } }));
}

/** Change a node's name or retry policy; an empty name or undefined retry is removed. */
export function patchNodeData(
  graph: EditorGraph,
  nodeId: string,
  patch: Partial<Pick<StepNodeData, 'name' | 'retry' | 'pinnedData'>>,
): EditorGraph {
  return mapNode(graph, nodeId, (n) => {
    const data = { ...n.data, ...patch };
    if (!data.name) delete data.name;
    if (data.retry === undefined) delete data.retry;
    if (data.pinnedData === undefined) delete data.pinnedData;
    return { ...n, data };
  });
}

/**
 * Rename a node (its expression name): edges follow and `steps.<old>` is rewritten in every
 * config. Refused with a message for an invalid or taken id.
 */
export function renameNode(
  graph: EditorGraph,
  oldId: string,
  newId: string,
): { graph: EditorGraph } | { error: string } {
  if (oldId === newId) return { graph };
  if (!isValidNodeId(newId))
    return { error: 'Use letters, digits and _ only, starting with a letter or _ (at most 64).' };
  if (graph.nodes.some((n) => n.id === newId))
    return { error: `Another step is already called "${newId}".` };
  const nodes = graph.nodes.map((n) => {
    const config = rewriteRefs(n.data.config, oldId, newId) as Record<string, unknown>;
    return { ...n, id: n.id === oldId ? newId : n.id, data: { ...n.data, config } };
  });
  const edges = graph.edges.map((e) => {
    if (e.source !== oldId && e.target !== oldId) return e;
    const source = e.source === oldId ? newId : e.source;
    const target = e.target === oldId ? newId : e.target;
    const handle = e.sourceHandle ?? 'main';
    return { ...e, id: edgeId(source, handle, target), source, target };
  });
  return { graph: { nodes, edges } };
}

/** Select exactly one node (or none), and no edge. */
export function selectOnly(graph: EditorGraph, nodeId: string | null): EditorGraph {
  const nodes = graph.nodes.map((n) => {
    const selected = n.id === nodeId;
    return n.selected === selected ? n : { ...n, selected };
  });
  return { nodes, edges: deselectEdges(graph.edges) };
}

/** Edges that still have both ends after `removed` nodes are gone. */
export function withoutEdgesOf<E extends Pick<EditorEdge, 'source' | 'target'>>(
  edges: E[],
  removed: ReadonlySet<string>,
): E[] {
  if (removed.size === 0) return edges;
  return edges.filter((e) => !removed.has(e.source) && !removed.has(e.target));
}

export function removeNode(graph: EditorGraph, nodeId: string): EditorGraph {
  return {
    nodes: graph.nodes.filter((n) => n.id !== nodeId),
    edges: withoutEdgesOf(graph.edges, new Set([nodeId])),
  };
}

/** Remove the selected nodes and edges (and edges touching removed nodes); null if none. */
export function removeSelection(graph: EditorGraph): EditorGraph | null {
  const gone = new Set(graph.nodes.filter((n) => n.selected).map((n) => n.id));
  const edges = withoutEdgesOf(
    graph.edges.filter((e) => !e.selected),
    gone,
  );
  if (gone.size === 0 && edges.length === graph.edges.length) return null;
  return { nodes: graph.nodes.filter((n) => !gone.has(n.id)), edges };
}

/** The selected nodes (deep-copied data) and the edges between them; null if none is selected. */
export function copySelection(graph: EditorGraph): EditorGraph | null {
  const nodes = graph.nodes.filter((n) => n.selected);
  if (nodes.length === 0) return null;
  const ids = new Set(nodes.map((n) => n.id));
  const edges = graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  return { nodes: nodes.map((n) => ({ ...n, data: structuredClone(n.data) })), edges };
}

/**
 * Paste a clipboard: fresh ids, references between pasted nodes rewritten to the new ids, offset
 * by `PASTE_OFFSET` per earlier paste, the copies selected and everything else deselected.
 */
export function paste(
  graph: EditorGraph,
  clipboard: EditorGraph,
  pasteCount: number,
): { graph: EditorGraph; pasted: string[] } {
  const taken = graph.nodes.map((n) => n.id);
  const idMap = new Map<string, string>();
  for (const n of clipboard.nodes) {
    idMap.set(n.id, newNodeId(n.data.nodeType, [...taken, ...idMap.values()]));
  }
  const offset = PASTE_OFFSET * (pasteCount + 1);
  const copies = clipboard.nodes.map((n): EditorNode => {
    let config = structuredClone(n.data).config;
    for (const [from, to] of idMap)
      config = rewriteRefs(config, from, to) as Record<string, unknown>;
    return {
      ...n,
      id: idMap.get(n.id) as string,
      position: { x: n.position.x + offset, y: n.position.y + offset },
      selected: true,
      dragging: false,
      data: { ...structuredClone(n.data), config },
    };
  });
  const copiedEdges = clipboard.edges.map((e) => ({
    ...toEditorEdge({
      source: idMap.get(e.source) as string,
      target: idMap.get(e.target) as string,
      sourceHandle: e.sourceHandle,
    }),
    selected: false,
  }));
  return {
    graph: {
      nodes: [...deselectNodes(graph.nodes), ...copies],
      edges: [...deselectEdges(graph.edges), ...copiedEdges],
    },
    pasted: copies.map((n) => n.id),
  };
}

/** Lay the graph out left to right ("Tidy up"). */
export function tidy(graph: EditorGraph): EditorGraph {
  return { nodes: autoLayout(graph.nodes, graph.edges), edges: graph.edges };
}
