import type { WorkflowGraph } from '@flowgenie/contracts';
import { predecessors, upstreamOf } from '@flowgenie/workflow';

/** Data a step is given instead of running: its output and the handle it left on. */
export interface SeededOutput {
  output: unknown;
  handle: string;
}

/**
 * How a draft test run starts, decided at execution creation (the planner then runs it as any
 * other execution): steps `seeded` start succeeded with the given data, steps `skipped` never
 * run, the rest are pending. `problem` means nothing can run (the execution fails at once).
 */
export interface TestRunLayout {
  seeded: Map<string, SeededOutput & { source: 'pinned' | 'last_run' }>;
  skipped: string[];
  /** `nodeId` is the step asked for, `missing` the input step without data. */
  problem?: { message: string; nodeId: string; missing: string };
}

type GraphLike = Pick<WorkflowGraph, 'nodes' | 'edges'>;

/**
 * The handle a pinned output leaves on: `main` for ordinary steps; for a branching step (an If)
 * the branch its pinned `result` names, else its first output.
 */
export function pinnedHandle(outputs: readonly string[], pinned: unknown): string {
  if (outputs.length === 0 || outputs.includes('main')) return 'main';
  const result = (pinned as { result?: unknown } | null)?.result;
  if (typeof result === 'boolean' && outputs.includes(String(result))) return String(result);
  return outputs[0];
}

/**
 * A draft test run (version null). Every step with pinned data (but the trigger, whose pin is the
 * payload) is seeded with it. With `runNode` ("run this step") only that step runs: the steps
 * above it are seeded with their pin, else their output in the last test run (`lastRun`), else
 * skipped; every other step is skipped. When none of its direct inputs has data the run cannot
 * start: `problem` says which step to run (or pin) first.
 */
export function testRunLayout(
  graph: GraphLike,
  triggerNodeId: string,
  opts: {
    runNode?: string;
    lastRun: ReadonlyMap<string, SeededOutput>;
    outputsOf: (type: string) => readonly string[];
  },
): TestRunLayout {
  const layout: TestRunLayout = { seeded: new Map(), skipped: [] };
  const pinnedOf = (id: string): SeededOutput | undefined => {
    const node = graph.nodes.find((n) => n.id === id);
    if (!node || node.pinnedData === undefined) return undefined;
    return {
      output: node.pinnedData,
      handle: pinnedHandle(opts.outputsOf(node.type), node.pinnedData),
    };
  };
  const { runNode } = opts;
  if (runNode === undefined) {
    for (const node of graph.nodes) {
      const pinned = node.id === triggerNodeId ? undefined : pinnedOf(node.id);
      if (pinned) layout.seeded.set(node.id, { ...pinned, source: 'pinned' });
    }
    return layout;
  }
  const above = new Set(upstreamOf(graph, runNode));
  for (const node of graph.nodes) {
    if (node.id === runNode || node.id === triggerNodeId) continue;
    if (!above.has(node.id)) {
      layout.skipped.push(node.id);
      continue;
    }
    const pinned = pinnedOf(node.id);
    const last = opts.lastRun.get(node.id);
    if (pinned) layout.seeded.set(node.id, { ...pinned, source: 'pinned' });
    else if (last) layout.seeded.set(node.id, { ...last, source: 'last_run' });
    else layout.skipped.push(node.id);
  }
  const inputs = predecessors(graph, runNode);
  const fed = inputs.some((id) => id === triggerNodeId || layout.seeded.has(id));
  if (inputs.length > 0 && !fed) {
    const first = inputs[0];
    const name = graph.nodes.find((n) => n.id === first)?.name ?? first;
    layout.problem = {
      nodeId: runNode,
      missing: first,
      message: `the step before this one ("${name}") has no data yet: run the workflow (or that step) first, or pin data on it`,
    };
  }
  return layout;
}

/** What the execution history shows of a "Run this step" run: the step, by its name then. */
export function stepTestOf(graph: GraphLike, runNode: string): { nodeId: string; name: string } {
  const node = graph.nodes.find((n) => n.id === runNode);
  return { nodeId: runNode, name: node?.name?.trim() || runNode };
}
