import {
  ExpressionError,
  hasTemplate,
  inlineExpressions,
  soleExpression,
  unwrapRawExpression,
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
 * @param raw the field is JSONata source as a whole (e.g. `if.condition`), optionally in one `{{ }}`.
 */
export async function previewField(
  value: string,
  data: ExpressionData,
  raw = false,
): Promise<PreviewResult> {
  try {
    if (raw) {
      const source = unwrapRawExpression(value);
      if (!source) return { ok: true, value: undefined, hasExpression: false };
      return {
        ok: true,
        value: await inlineExpressions.evaluate(source, data),
        hasExpression: true,
      };
    }
    if (!hasTemplate(value)) return { ok: true, value, hasExpression: false };
    const resolved = await inlineExpressions.resolveConfig({ value }, data);
    return { ok: true, value: resolved.value, hasExpression: true };
  } catch (err) {
    return { ok: false, error: previewMessage(err) };
  }
}

/** The reason alone: the field the message is shown under already says which expression it is. */
function previewMessage(err: unknown): string {
  if (err instanceof ExpressionError) return err.reason;
  return err instanceof Error ? err.message : String(err);
}
