import { evaluateExpression, inlineExpressions } from './expressions';
import { upgradeExpressionSyntax } from './legacy-expressions';
import { ifNode, transformNode } from './node-types';
import { resolveNodeConfig } from './execute-step';

const legacy = {
  nodes: [
    { id: 't', type: 'webhook', config: { path: 'x' } },
    { id: 'sum', type: 'transform', config: { expression: '{ "total": $sum(trigger.items) }' } },
    { id: 'big', type: 'if', config: { condition: 'steps.sum.total > 10' } },
    { id: 'wrapped', type: 'if', config: { condition: '{{ steps.sum.total > 1 }}' } },
    { id: 'reply', type: 'respond_to_webhook', config: { body: 'steps.sum.total' } },
  ],
  edges: [],
};

describe('upgradeExpressionSyntax', () => {
  it('wraps raw JSONata of transform and if in {{ }} and leaves every other field alone', () => {
    const { graph, changed } = upgradeExpressionSyntax(legacy);
    expect(changed).toBe(true);
    expect(graph.nodes.map((n) => n.config)).toEqual([
      { path: 'x' },
      { expression: '{{ { "total": $sum(trigger.items) } }}' },
      { condition: '{{ steps.sum.total > 10 }}' },
      { condition: '{{ steps.sum.total > 1 }}' },
      { body: 'steps.sum.total' },
    ]);
    expect(legacy.nodes[1].config.expression).toBe('{ "total": $sum(trigger.items) }');
  });

  it('is idempotent', () => {
    const once = upgradeExpressionSyntax(legacy).graph;
    const twice = upgradeExpressionSyntax(once);
    expect(twice.changed).toBe(false);
    expect(twice.graph).toBe(once);
  });

  it('gives the values the old raw JSONata gave', async () => {
    const data = { trigger: { items: [4, 5, 6] }, steps: { sum: { total: 15 } } };
    const { graph } = upgradeExpressionSyntax(legacy);
    const ctx = { input: data, expressions: inlineExpressions };
    const sum = await resolveNodeConfig(transformNode, graph.nodes[1].config, ctx);
    expect(sum.expression).toEqual(
      await evaluateExpression('{ "total": $sum(trigger.items) }', data),
    );
    expect(sum.expression).toEqual({ total: 15 });
    const big = await resolveNodeConfig(ifNode, graph.nodes[2].config, ctx);
    expect(big.condition).toBe(true);
  });
});
