import jsonata from 'jsonata';
import {
  hasTemplate,
  scanTemplate,
  soleExpression,
  type TemplatePart,
} from '@flowgenie/workflow/template';

export { hasTemplate, soleExpression, type TemplatePart };

/**
 * Expressions in the browser: the same template rules as the executor (`@flowgenie/workflow`):
 * `{{ expr }}` inside strings, a string that is exactly one `{{ }}` takes the raw value, and
 * mixed text interpolates. Evaluated with JSONata (no eval, no host access) for live previews.
 */
export interface ExpressionData {
  trigger: unknown;
  steps: Record<string, unknown>;
}

export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'TemplateSyntaxError';
  }
}

const LIMITS = { timeout: 250, stack: 200, sequence: 100_000 };

/** Split a string into text and `{{ }}` parts; understands JSONata strings, comments and braces. */
export function parseTemplate(value: string): TemplatePart[] {
  return scanTemplate(value, (fault, i) =>
    fault === 'unterminated'
      ? new TemplateSyntaxError(`"{{" at character ${i + 1} is never closed with "}}"`, i)
      : new TemplateSyntaxError(`empty "{{ }}" at character ${i + 1}`, i),
  );
}

/** Evaluate one JSONata expression; sequences come back as plain arrays. */
export async function evaluateExpression(source: string, data: ExpressionData): Promise<unknown> {
  let compiled: jsonata.Expression;
  try {
    compiled = jsonata(source, LIMITS);
  } catch (err) {
    throw new Error(jsonataMessage(err));
  }
  try {
    return toPlain(await compiled.evaluate(data));
  } catch (err) {
    throw new Error(jsonataMessage(err));
  }
}

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
      let source = value.trim();
      if (hasTemplate(value)) {
        const sole = soleExpression(parseTemplate(value));
        if (sole === undefined)
          return {
            ok: false,
            error: 'Use a JSONata expression or a single {{ }}, not text mixed with {{ }}.',
          };
        source = sole;
      }
      if (!source) return { ok: true, value: undefined, hasExpression: false };
      return { ok: true, value: await evaluateExpression(source, data), hasExpression: true };
    }
    if (!hasTemplate(value)) return { ok: true, value, hasExpression: false };
    const parts = parseTemplate(value);
    const sole = soleExpression(parts);
    if (sole !== undefined)
      return { ok: true, value: await evaluateExpression(sole, data), hasExpression: true };
    let out = '';
    for (const part of parts) {
      if (part.kind === 'text') out += part.value;
      else {
        const v = await evaluateExpression(part.source, data);
        out += v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
      }
    }
    return { ok: true, value: out, hasExpression: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

function jsonataMessage(err: unknown): string {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as {
    code?: string;
    message?: string;
    position?: number;
  };
  if (e.code === 'D1012') return 'took too long to evaluate';
  const at =
    e.position !== undefined && e.code?.startsWith('S') ? ` (at character ${e.position})` : '';
  return `${e.message ?? 'failed'}${at}`;
}

function toPlain(value: unknown): unknown {
  if (typeof value === 'function') return undefined;
  if (Array.isArray(value)) return value.map(toPlain).filter((v) => v !== undefined);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const plain = toPlain(v);
      if (plain !== undefined) out[k] = plain;
    }
    return out;
  }
  return value;
}
