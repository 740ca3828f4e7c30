import type { WorkflowGraph } from '@flowgenie/contracts';

/** The graph a new draft starts with. */
export const emptyGraph = (): WorkflowGraph => ({ nodes: [], edges: [] });

/**
 * Largest draft we store, serialised. Not the bus's limit: a graph above the inline limit travels
 * by reference in every event (graphRef). It bounds what a save, a load in the builder and each
 * run's copy cost, and stays under the default request body limit (1 MiB) with room to spare.
 */
export const MAX_GRAPH_BYTES = 768 * 1024;

export function graphSizeBytes(graph: WorkflowGraph): number {
  return Buffer.byteLength(JSON.stringify(graph), 'utf8');
}

/**
 * Whether two graphs are the same, ignoring object key order (jsonb reorders keys, so the stored
 * graph and the one just sent never compare equal as strings).
 */
export function sameGraph(a: WorkflowGraph, b: WorkflowGraph): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** JSON with object keys sorted (jsonb reorders keys), for comparing values. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
