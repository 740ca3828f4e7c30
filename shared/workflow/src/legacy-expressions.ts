import { hasTemplate } from './template';

/**
 * Fields that held raw JSONata before every field became a `{{ }}` template (transform's
 * output and if's condition). Graphs saved then are upgraded by {@link upgradeExpressionSyntax}.
 */
export const LEGACY_JSONATA_FIELDS: Readonly<Record<string, string>> = {
  transform: 'expression',
  if: 'condition',
};

interface GraphLike {
  nodes: Array<{ type: string; config?: Record<string, unknown> }>;
}

/**
 * Rewrite raw JSONata in transform/if configs to the one template syntax: `steps.a.ok` becomes
 * `{{ steps.a.ok }}`, which evaluates the same. Values already holding `{{` are left as they are
 * (a single `{{ }}` was accepted before and means the same now). Pure and idempotent.
 *
 * @returns the graph (a copy when something changed) and whether anything changed.
 * @example upgradeExpressionSyntax(graph).graph.nodes[1].config.condition // '{{ steps.a.ok }}'
 */
export function upgradeExpressionSyntax<G extends GraphLike>(
  graph: G,
): { graph: G; changed: boolean } {
  let changed = false;
  const nodes = graph.nodes.map((node) => {
    const field = LEGACY_JSONATA_FIELDS[node.type];
    const value = field ? node.config?.[field] : undefined;
    if (typeof value !== 'string' || value.trim() === '' || hasTemplate(value)) return node;
    changed = true;
    return { ...node, config: { ...node.config, [field]: `{{ ${value.trim()} }}` } };
  });
  return changed ? { graph: { ...graph, nodes }, changed } : { graph, changed };
}
