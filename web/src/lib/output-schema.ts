import {
  compileExpression,
  hasTemplate,
  parseTemplate,
  soleExpression,
} from '@flowgenie/workflow/core';
import type { JsonSchema } from './api-types';

/**
 * The output shape of a step whose type has no fixed output schema, read from its config so
 * autocomplete and the Input view know `steps.sum.total` before any run: a transform's output
 * (JSON text, or one `{{ { "key": … } }}`), a manual trigger's sample payload. Undefined when
 * the shape cannot be known without running.
 */
export function inferOutputSchema(
  nodeType: string,
  config: Record<string, unknown>,
): JsonSchema | undefined {
  if (nodeType === 'manual') return schemaOfValue(config.samplePayload);
  if (nodeType !== 'transform') return undefined;
  const output = config.expression;
  if (typeof output !== 'string') return schemaOfValue(output);
  if (!hasTemplate(output)) return schemaOfJsonText(output);
  try {
    const parts = parseTemplate(output);
    const sole = soleExpression(parts);
    if (sole !== undefined) return schemaOfAst(compileExpression(sole).ast());
    // JSON text with {{ }} values: each value is some JSON, its key is known.
    const text = parts.map((p) => (p.kind === 'text' ? p.value : 'null')).join('');
    return schemaOfJsonText(text);
  } catch {
    return undefined;
  }
}

function schemaOfJsonText(text: string): JsonSchema | undefined {
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    return schemaOfValue(JSON.parse(t));
  } catch {
    return undefined;
  }
}

/** A schema of a sample value; `null` stands for "some value" (a `{{ }}`), so it has no type. */
export function schemaOfValue(value: unknown, depth = 0): JsonSchema | undefined {
  if (value === undefined || depth > 6) return undefined;
  if (value === null) return {};
  if (Array.isArray(value)) {
    const items = value.length > 0 ? schemaOfValue(value[0], depth + 1) : undefined;
    return items ? { type: 'array', items } : { type: 'array' };
  }
  if (typeof value === 'object') {
    const properties: Record<string, JsonSchema> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      properties[k] = schemaOfValue(v, depth + 1) ?? {};
    return { type: 'object', properties };
  }
  if (typeof value === 'string') return { type: 'string' };
  if (typeof value === 'number') return { type: 'number' };
  if (typeof value === 'boolean') return { type: 'boolean' };
  return {};
}

interface AstNode {
  type?: string;
  value?: unknown;
  lhs?: unknown;
  expressions?: AstNode[];
}

/** Keys of a JSONata object constructor `{ "a": …, "b": … }` (values typed when literal). */
function schemaOfAst(node: AstNode, depth = 0): JsonSchema | undefined {
  if (depth > 6) return undefined;
  if (node.type === 'unary' && node.value === '{' && Array.isArray(node.lhs)) {
    const properties: Record<string, JsonSchema> = {};
    for (const pair of node.lhs as Array<[AstNode, AstNode]>) {
      const [key, val] = pair;
      if (key?.type !== 'string' || typeof key.value !== 'string') continue;
      properties[key.value] = schemaOfAst(val, depth + 1) ?? {};
    }
    return { type: 'object', properties };
  }
  if (node.type === 'unary' && node.value === '[' && Array.isArray(node.expressions)) {
    const first = node.expressions[0];
    const items = first ? schemaOfAst(first, depth + 1) : undefined;
    return items ? { type: 'array', items } : { type: 'array' };
  }
  if (node.type === 'string') return { type: 'string' };
  if (node.type === 'number') return { type: 'number' };
  if (node.type === 'value' && typeof node.value === 'boolean') return { type: 'boolean' };
  return undefined;
}
