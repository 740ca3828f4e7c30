import { topologicalOrder } from '@flowgenie/workflow';
import type { WorkflowGraph } from '@flowgenie/contracts';
import {
  ACTIVE_STEP_STATUSES,
  isStepFinished,
  type ExecutionError,
  type StepError,
  type StepStatus,
} from './execution';

/** What the planner needs to know about one step. */
export interface StepState {
  nodeId: string;
  status: StepStatus;
  handle: string | null;
  error?: StepError | null;
  finishedAt?: Date | null;
}

/** The planner's decision after a change: steps to enqueue, steps to skip, and maybe the end. */
export interface Plan {
  queue: string[];
  skip: string[];
  finish?: { status: 'succeeded' | 'failed'; error: ExecutionError | null };
}

type GraphLike = Pick<WorkflowGraph, 'nodes' | 'edges'>;

const handleOf = (h: string | null | undefined) => h ?? 'main';

/**
 * Decides what happens next in an execution. Rules, applied in graph order so a skip
 * propagates in one pass:
 * - a pending node waits while any source of an incoming edge is unfinished;
 * - it is skipped when a source failed (a step never runs on a failed step's missing data),
 *   or when no incoming edge is taken (taken = source succeeded on the edge's handle);
 *   a node with no incoming edge at all is unreachable from the trigger and is skipped too;
 * - otherwise it is queued.
 * When no step is left pending/queued/running/retrying/waiting the execution finishes: failed
 * (with the first failed step's error) if a step failed, else succeeded.
 */
export function planNext(graph: GraphLike, steps: readonly StepState[]): Plan {
  const state = new Map(steps.map((s) => [s.nodeId, { ...s }]));
  const plan: Plan = { queue: [], skip: [] };
  for (const id of graphOrder(graph)) {
    const step = state.get(id);
    if (!step || step.status !== 'pending') continue;
    const incoming = graph.edges.filter((e) => e.target === id && state.has(e.source));
    const sources = incoming.map((e) => state.get(e.source)!);
    if (sources.some((s) => !isStepFinished(s.status))) continue;
    const upstreamFailed = sources.some((s) => s.status === 'failed' || s.status === 'canceled');
    const taken = incoming.some((e) => {
      const source = state.get(e.source)!;
      return source.status === 'succeeded' && handleOf(source.handle) === handleOf(e.sourceHandle);
    });
    if (!upstreamFailed && taken) {
      step.status = 'queued';
      plan.queue.push(id);
    } else {
      step.status = 'skipped';
      plan.skip.push(id);
    }
  }
  const all = [...state.values()];
  if (!all.some((s) => ACTIVE_STEP_STATUSES.has(s.status))) {
    const failed = all
      .filter((s) => s.status === 'failed')
      .sort((a, b) => (a.finishedAt?.getTime() ?? 0) - (b.finishedAt?.getTime() ?? 0));
    plan.finish = failed.length
      ? {
          status: 'failed',
          error: { message: failed[0].error?.message ?? 'step failed', nodeId: failed[0].nodeId },
        }
      : { status: 'succeeded', error: null };
  }
  return plan;
}

/** Node ids in topological order, or in declaration order if the graph has a cycle. */
export function graphOrder(graph: GraphLike): string[] {
  try {
    return topologicalOrder(graph);
  } catch {
    return graph.nodes.map((n) => n.id);
  }
}

/** `steps` sorted as {@link graphOrder} lists their nodes (the order an execution shows them in). */
export function inGraphOrder<S extends { nodeId: string }>(
  graph: GraphLike,
  steps: readonly S[],
): S[] {
  const order = new Map(graphOrder(graph).map((id, i) => [id, i]));
  return [...steps].sort((a, b) => (order.get(a.nodeId) ?? 0) - (order.get(b.nodeId) ?? 0));
}

/** Why a graph cannot be executed at all, or undefined when it can. */
export function graphProblem(graph: GraphLike, triggerNodeId: string): string | undefined {
  if (!graph.nodes.some((n) => n.id === triggerNodeId))
    return `trigger node "${triggerNodeId}" is not in the graph`;
  try {
    topologicalOrder(graph);
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
}

/** Ids of every node downstream of the given ones (not including them unless on a path). */
export function descendantsOf(graph: GraphLike, ids: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = graph.edges.filter((e) => ids.includes(e.source)).map((e) => e.target);
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of graph.edges) if (e.source === id) queue.push(e.target);
  }
  return seen;
}

/**
 * What retrying a failed execution resets: its failed steps run again, and the steps skipped
 * below them go back to pending so the planner decides on them afresh.
 */
export function retryPlan(
  graph: GraphLike,
  steps: readonly StepState[],
): { rerun: string[]; reset: string[] } {
  const rerun = steps.filter((s) => s.status === 'failed').map((s) => s.nodeId);
  const below = descendantsOf(graph, rerun);
  const reset = steps
    .filter((s) => s.status === 'skipped' && below.has(s.nodeId))
    .map((s) => s.nodeId);
  return { rerun, reset };
}

/** Output of the last step that succeeded (what a webhook answers when no step responded). */
export function lastOutput(
  steps: readonly {
    nodeId: string;
    status: StepStatus;
    output: unknown;
    finishedAt: Date | null;
  }[],
  triggerNodeId: string,
): unknown {
  const done = steps
    .filter((s) => s.status === 'succeeded')
    .sort((a, b) => {
      if ((a.nodeId === triggerNodeId) !== (b.nodeId === triggerNodeId))
        return a.nodeId === triggerNodeId ? 1 : -1;
      return (b.finishedAt?.getTime() ?? 0) - (a.finishedAt?.getTime() ?? 0);
    });
  return done[0]?.output;
}
