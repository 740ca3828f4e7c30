import jsonata from 'jsonata';

/**
 * Expressions in the browser: the same template rules as the executor (`@flowgenie/workflow`):
 * `{{ expr }}` inside strings, a string that is exactly one `{{ }}` takes the raw value, and
 * mixed text interpolates. Evaluated with JSONata (no eval, no host access) for live previews.
 */
export interface ExpressionData {
  trigger: unknown;
  steps: Record<string, unknown>;
}

export type TemplatePart =
  { kind: 'text'; value: string } | { kind: 'expr'; source: string; start: number; end: number };

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

export function hasTemplate(value: string): boolean {
  return value.includes('{{');
}

/** Split a string into text and `{{ }}` parts; understands JSONata strings, comments and braces. */
export function parseTemplate(value: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  let i = 0;
  while (i < value.length) {
    if (value.startsWith('{{', i)) {
      const end = findClose(value, i + 2);
      if (end < 0)
        throw new TemplateSyntaxError(`"{{" at character ${i + 1} is never closed with "}}"`, i);
      const source = value.slice(i + 2, end).trim();
      if (source === '') throw new TemplateSyntaxError(`empty "{{ }}" at character ${i + 1}`, i);
      if (text) parts.push({ kind: 'text', value: text });
      text = '';
      parts.push({ kind: 'expr', source, start: i, end: end + 2 });
      i = end + 2;
    } else {
      text += value[i];
      i += 1;
    }
  }
  if (text) parts.push({ kind: 'text', value: text });
  return parts;
}

/** The expression when the whole string is one `{{ expr }}` (surrounding blanks ignored). */
export function soleExpression(parts: readonly TemplatePart[]): string | undefined {
  const exprs = parts.filter(
    (p): p is Extract<TemplatePart, { kind: 'expr' }> => p.kind === 'expr',
  );
  if (exprs.length !== 1) return undefined;
  return parts.every((p) => p.kind === 'expr' || p.value.trim() === '')
    ? exprs[0].source
    : undefined;
}

/** Index of the `}}` closing an expression body that starts at `from`, or -1. */
export function findClose(s: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < s.length) {
    const c = s[i];
    if (c === '"' || c === "'" || c === '`') {
      i = skipQuoted(s, i, c);
      continue;
    }
    if (c === '/' && s[i + 1] === '*') {
      const close = s.indexOf('*/', i + 2);
      if (close < 0) return -1;
      i = close + 2;
      continue;
    }
    if (c === '{') depth += 1;
    if (c === '}') {
      if (depth === 0 && s[i + 1] === '}') return i;
      depth = Math.max(0, depth - 1);
    }
    i += 1;
  }
  return -1;
}

function skipQuoted(s: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < s.length) {
    if (s[i] === '\\' && quote !== '`') i += 2;
    else if (s[i] === quote) return i + 1;
    else i += 1;
  }
  return s.length;
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
