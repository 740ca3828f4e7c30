import {
  ExpressionError,
  hasTemplate,
  resolveTemplate,
  soleExpression,
  type ExpressionData,
  type TemplatePart,
} from '@flowgenie/workflow/core';

// Expressions in the browser are the executor's own code (`@flowgenie/workflow/core`): the same
// template rules, JSONata limits and regular-expression guard, so a preview agrees with a run.
export { hasTemplate, soleExpression, type ExpressionData, type TemplatePart };

export type PreviewResult =
  { ok: true; value: unknown; hasExpression: boolean } | { ok: false; error: string };

/**
 * What a field will become at run time, computed on sample data.
 * @param json the field holds JSON (a body, a transform's output): JSON text is parsed once the
 *   values are inserted, as the executor does.
 */
export async function previewField(
  value: string,
  data: ExpressionData,
  json = false,
): Promise<PreviewResult> {
  try {
    const resolved = await resolveTemplate(value, data, { json });
    return { ok: true, value: resolved, hasExpression: hasTemplate(value) };
  } catch (err) {
    return { ok: false, error: previewMessage(err) };
  }
}

/** The type a user reads beside a previewed value: `text`, `number`, `object`, `list`… */
export function valueType(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `list of ${value.length}`;
  if (typeof value === 'string') return 'text';
  if (typeof value === 'object') return 'object';
  return typeof value; // number, boolean
}

/** The reason alone: the field the message is shown under already says which expression it is. */
function previewMessage(err: unknown): string {
  if (err instanceof ExpressionError) return err.reason;
  return err instanceof Error ? err.message : String(err);
}
