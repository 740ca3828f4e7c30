import type { EditorEdge, EditorNode } from './types';

export const LAYER_GAP = 300;
export const ROW_GAP = 130;

/**
 * Left-to-right layered layout: each node goes one layer after its furthest predecessor
 * (longest path from a root), rows stacked and centred per layer. Cycles are tolerated.
 */
export function autoLayout<N extends EditorNode>(
  nodes: readonly N[],
  edges: readonly Pick<EditorEdge, 'source' | 'target'>[],
): N[] {
  const ids = new Set(nodes.map((n) => n.id));
  const incoming = new Map<string, string[]>();
  for (const e of edges) {
    if (!ids.has(e.source) || !ids.has(e.target)) continue;
    incoming.set(e.target, [...(incoming.get(e.target) ?? []), e.source]);
  }
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const preds = incoming.get(id) ?? [];
    const d = preds.length === 0 ? 0 : Math.max(...preds.map(depth)) + 1;
    visiting.delete(id);
    layer.set(id, d);
    return d;
  };
  nodes.forEach((n) => depth(n.id));
  const byLayer = new Map<number, N[]>();
  for (const n of nodes) {
    const l = layer.get(n.id) ?? 0;
    byLayer.set(l, [...(byLayer.get(l) ?? []), n]);
  }
  const pos = new Map<string, { x: number; y: number }>();
  for (const [l, list] of byLayer) {
    // keep the previous vertical order inside a layer so a re-layout does not shuffle rows
    const sorted = [...list].sort((a, b) => a.position.y - b.position.y);
    const top = -((sorted.length - 1) * ROW_GAP) / 2;
    sorted.forEach((n, i) => pos.set(n.id, { x: l * LAYER_GAP, y: top + i * ROW_GAP }));
  }
  return nodes.map((n) => ({ ...n, position: pos.get(n.id) ?? n.position }));
}
