import { ExpressionError } from './errors';

/** A piece of a template string: literal text or a `{{ expr }}` (expr trimmed). */
export type TemplatePart =
  { kind: 'text'; value: string } | { kind: 'expr'; source: string; start: number; end: number };

/** True when the string contains `{{` (so it is a template, possibly a broken one). */
export function hasTemplate(value: string): boolean {
  return value.includes('{{');
}

/** What makes a template unreadable: a `{{` never closed, or a `{{ }}` with nothing inside. */
export type TemplateFault = 'unterminated' | 'empty';

/**
 * Split a string into literal text and `{{ … }}` expressions. The scanner understands JSONata
 * strings and comments and balanced braces, so `{{ {"a": {"b": 1}} }}` is one expression.
 *
 * @throws ExpressionError (`code: 'template'`) on an unterminated or empty `{{`.
 */
export function parseTemplate(value: string, path?: string): TemplatePart[] {
  return scanTemplate(value, (fault, position) => {
    const what = fault === 'unterminated' ? 'unterminated "{{"' : 'empty "{{ }}"';
    return new ExpressionError(`${where(path)}${what} at character ${position}`, {
      code: 'template',
      expression: value,
      path,
      position,
      reason: `${what} at character ${position}`,
    });
  });
}

/**
 * {@link parseTemplate} with the caller's error: throws `fail(fault, position)` (position of the
 * `{{`, from 0) on a broken template. Pure, so the browser editor shares it (`@flowgenie/workflow/template`).
 */
export function scanTemplate(
  value: string,
  fail: (fault: TemplateFault, position: number) => Error,
): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  let i = 0;
  while (i < value.length) {
    if (value.startsWith('{{', i)) {
      const end = findClose(value, i + 2);
      if (end < 0) throw fail('unterminated', i);
      const source = value.slice(i + 2, end).trim();
      if (source === '') throw fail('empty', i);
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

/**
 * If the whole string (ignoring surrounding whitespace) is one `{{ expr }}`, its expression;
 * such a field takes the expression's raw value (number, object, …) instead of text.
 */
export function soleExpression(parts: readonly TemplatePart[]): string | undefined {
  const exprs = parts.filter((p) => p.kind === 'expr');
  if (exprs.length !== 1) return undefined;
  const onlyBlank = parts.every((p) => p.kind === 'expr' || p.value.trim() === '');
  return onlyBlank ? (exprs[0] as { source: string }).source : undefined;
}

/** Index of the `}}` closing an expression whose body starts at `from`, or -1. */
function findClose(s: string, from: number): number {
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

function where(path: string | undefined): string {
  return path ? `${path}: ` : '';
}
