// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { inferOutputSchema } from './output-schema';

/** The paths a schema offers (what autocomplete lists under `steps.sum`). */
function paths(schema: Record<string, unknown> | undefined, prefix = 'steps.sum'): string[] {
  if (!schema) return [];
  const out = [prefix];
  const props = schema.properties as Record<string, Record<string, unknown>> | undefined;
  for (const [k, v] of Object.entries(props ?? {})) out.push(...paths(v, `${prefix}.${k}`));
  const items = schema.items as Record<string, unknown> | undefined;
  if (items) out.push(...paths(items, `${prefix}[0]`));
  return out;
}

describe('inferOutputSchema', () => {
  it('reads a transform’s output keys from JSON text with {{ }} values', () => {
    const schema = inferOutputSchema('transform', {
      expression: '{"total": {{ $sum(trigger.body.items) }}, "who": {"name": "{{ trigger.n }}"} }',
    });
    expect(paths(schema)).toEqual([
      'steps.sum',
      'steps.sum.total',
      'steps.sum.who',
      'steps.sum.who.name',
    ]);
  });

  it('reads an object built by one {{ }} expression, typing literal values', () => {
    const schema = inferOutputSchema('transform', {
      expression: '{{ { "total": $sum(trigger.items), "ok": true, "label": "x" } }}',
    });
    expect(schema).toEqual({
      type: 'object',
      properties: { total: {}, ok: { type: 'boolean' }, label: { type: 'string' } },
    });
  });

  it('reads a manual trigger’s sample payload, and knows nothing of other shapes', () => {
    expect(paths(inferOutputSchema('manual', { samplePayload: { a: [{ b: 1 }] } }))).toEqual([
      'steps.sum',
      'steps.sum.a',
      'steps.sum.a[0]',
      'steps.sum.a[0].b',
    ]);
    expect(inferOutputSchema('transform', { expression: '{{ trigger.body }}' })).toBeUndefined();
    expect(inferOutputSchema('transform', { expression: '{{ broken( }}' })).toBeUndefined();
    expect(inferOutputSchema('http_request', { url: 'x' })).toBeUndefined();
  });
});
