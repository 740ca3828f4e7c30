import type { EditorEdge } from '../../../lib/graph';

/** Ids of every node that can run before `nodeId` (its ancestors), nearest first. */
export function upstreamOf(
  nodeId: string,
  edges: readonly Pick<EditorEdge, 'source' | 'target'>[],
): string[] {
  const preds = new Map<string, string[]>();
  for (const e of edges) preds.set(e.target, [...(preds.get(e.target) ?? []), e.source]);
  const seen = new Set<string>([nodeId]);
  const order: string[] = [];
  let frontier = [nodeId];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const p of preds.get(id) ?? []) {
        if (seen.has(p)) continue;
        seen.add(p);
        order.push(p);
        next.push(p);
      }
    }
    frontier = next;
  }
  return order;
}

/** True when adding source → target would close a cycle (target already reaches source). */
export function wouldCreateCycle(
  source: string,
  target: string,
  edges: readonly Pick<EditorEdge, 'source' | 'target'>[],
): boolean {
  if (source === target) return true;
  return upstreamOf(source, edges).includes(target);
}
