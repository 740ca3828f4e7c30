// Pure graph helpers: no node registry and no Node.js, so the builder runs the very same code.

/** The parts of a `WorkflowGraph` the helpers read (parsed or raw; `sourceHandle` defaults to 'main'). */
export interface GraphShape<
  N extends { id: string; type: string } = { id: string; type: string },
  E extends { id: string; source: string; target: string; sourceHandle?: string } = {
    id: string;
    source: string;
    target: string;
    sourceHandle?: string;
  },
> {
  nodes: readonly N[];
  edges: readonly E[];
}

type EdgeOf<G extends GraphShape> = G['edges'][number];
export type NodeOf<G extends GraphShape> = G['nodes'][number];

const handleOf = (e: { sourceHandle?: string }) => e.sourceHandle ?? 'main';

export function outgoingEdges<G extends GraphShape>(graph: G, nodeId: string): EdgeOf<G>[] {
  return graph.edges.filter((e) => e.source === nodeId);
}

export function incomingEdges<G extends GraphShape>(graph: G, nodeId: string): EdgeOf<G>[] {
  return graph.edges.filter((e) => e.target === nodeId);
}

/**
 * Ids of the nodes to run after `nodeId` took output `handle` (edge order, no duplicates).
 * @example successors(graph, 'check', 'true')
 */
export function successors(graph: GraphShape, nodeId: string, handle: string): string[] {
  const ids = graph.edges
    .filter((e) => e.source === nodeId && handleOf(e) === handle)
    .map((e) => e.target);
  return [...new Set(ids)];
}

/** Ids of the nodes with an edge into `nodeId`, whatever the handle (no duplicates). */
export function predecessors(graph: GraphShape, nodeId: string): string[] {
  return [...new Set(graph.edges.filter((e) => e.target === nodeId).map((e) => e.source))];
}

/**
 * Ids of every ancestor of `nodeId` (nodes with a path to it), nearest first; excludes the
 * node itself unless it lies on a cycle. These are the steps its expressions may read.
 */
export function upstreamOf(graph: GraphShape, nodeId: string): string[] {
  return upstreamLookup(graph)(nodeId);
}

/**
 * {@link upstreamOf} for many nodes of one graph (validation asks it of every step): the incoming
 * edges are indexed once instead of once per node.
 */
export function upstreamLookup(graph: GraphShape): (nodeId: string) => string[] {
  const incoming = new Map<string, string[]>();
  for (const e of graph.edges) {
    const sources = incoming.get(e.target);
    if (sources) sources.push(e.source);
    else incoming.set(e.target, [e.source]);
  }
  return (nodeId) => {
    const seen = new Set<string>();
    const queue = [...(incoming.get(nodeId) ?? [])];
    for (let next = 0; next < queue.length; next += 1) {
      const id = queue[next];
      if (seen.has(id)) continue;
      seen.add(id);
      for (const source of incoming.get(id) ?? []) if (!seen.has(source)) queue.push(source);
    }
    return [...seen];
  };
}

/**
 * Node ids ordered so every edge goes forward; ties keep the order of `graph.nodes`.
 * Edges to or from unknown nodes are ignored.
 * @throws Error naming a node on a cycle.
 */
export function topologicalOrder(graph: GraphShape): string[] {
  const ids = graph.nodes.map((n) => n.id);
  const known = new Set(ids);
  const indegree = new Map(ids.map((id) => [id, 0]));
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of graph.edges) {
    if (!known.has(e.source) || !known.has(e.target)) continue;
    out.get(e.source)?.push(e.target);
    indegree.set(e.target, (indegree.get(e.target) ?? 0) + 1);
  }
  const order: string[] = [];
  const ready = ids.filter((id) => indegree.get(id) === 0);
  while (ready.length > 0) {
    const id = ready.shift() as string;
    order.push(id);
    for (const next of out.get(id) ?? []) {
      const left = (indegree.get(next) ?? 0) - 1;
      indegree.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  if (order.length < new Set(ids).size) {
    const cycle = findCycle(graph);
    throw new Error(`workflow graph has a cycle: ${(cycle ?? []).join(' → ')}`);
  }
  return order;
}

/**
 * One cycle as a list of node ids, first repeated at the end (`['a', 'b', 'a']`), or
 * undefined when the graph is acyclic. Edges to or from unknown nodes are ignored.
 */
export function findCycle(graph: GraphShape): string[] | undefined {
  const known = new Set(graph.nodes.map((n) => n.id));
  const out = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (known.has(e.source) && known.has(e.target))
      out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  }
  const state = new Map<string, 'open' | 'done'>();
  for (const start of known) {
    if (state.has(start)) continue;
    // Iterative DFS: each frame is a node and the index of its next child.
    const stack: Array<[string, number]> = [[start, 0]];
    state.set(start, 'open');
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      const children = out.get(frame[0]) ?? [];
      if (frame[1] >= children.length) {
        state.set(frame[0], 'done');
        stack.pop();
        continue;
      }
      const child = children[frame[1]];
      frame[1] += 1;
      if (state.get(child) === 'open') {
        const path = stack.map(([id]) => id);
        return [...path.slice(path.indexOf(child)), child];
      }
      if (!state.has(child)) {
        state.set(child, 'open');
        stack.push([child, 0]);
      }
    }
  }
  return undefined;
}
