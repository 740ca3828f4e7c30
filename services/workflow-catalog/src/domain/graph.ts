import type { WorkflowGraph } from '@flowgenie/contracts';

/** The graph a new draft starts with. */
export const emptyGraph = (): WorkflowGraph => ({ nodes: [], edges: [] });

/**
 * Largest draft we store, serialised. Events carry the graph (workflow.published/activated) and
 * an EventBridge entry is limited to 256 KB, so the graph must leave room for the envelope.
 */
export const MAX_GRAPH_BYTES = 200 * 1024;

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
