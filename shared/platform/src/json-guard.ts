import type { ErrorDetail } from '@flowgenie/contracts';

/**
 * Deepest nesting a request body may have. A workflow graph needs about 5 levels plus its node
 * configs; deeper input is refused before it can overflow the stack of a recursive walker
 * (JSON.stringify, zod, the pg driver).
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The first problem that makes `value` unfit to store, located by path (`body.nodes.2.name`):
 * nesting deeper than `maxDepth`, or a string or key holding a NUL character or an unpaired UTF-16
 * surrogate (Postgres text and jsonb refuse both). Iterative, so any depth is safe to inspect.
 *
 * @example
 * findUnstorableJson({ name: 'a\u0000b' }, 'body') // { path: 'body.name', message: '… NUL …' }
 */
export function findUnstorableJson(
  value: unknown,
  root: string,
  maxDepth = MAX_JSON_DEPTH,
): ErrorDetail | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [
    { value, path: root, depth: 0 },
  ];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item.value === 'string') {
      const problem = stringProblem(item.value);
      if (problem)
        return { path: item.path, code: 'unstorable_string', message: `${item.path} ${problem}` };
      continue;
    }
    if (item.value === null || typeof item.value !== 'object') continue;
    if (item.depth >= maxDepth) {
      return {
        path: item.path,
        code: 'too_deep',
        message: `${item.path} is nested more than ${maxDepth} levels deep`,
      };
    }
    const entries = Array.isArray(item.value)
      ? item.value.map((v, i) => [String(i), v] as const)
      : Object.entries(item.value);
    for (const [key, child] of entries) {
      const path = `${item.path}.${key}`;
      const keyProblem = Array.isArray(item.value) ? undefined : stringProblem(key);
      if (keyProblem)
        return {
          path: item.path,
          code: 'unstorable_string',
          message: `a key of ${item.path} ${keyProblem}`,
        };
      stack.push({ value: child, path, depth: item.depth + 1 });
    }
  }
  return undefined;
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function stringProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return 'contains a NUL character (\\u0000), which cannot be stored';
  if (LONE_SURROGATE.test(s))
    return 'contains an unpaired UTF-16 surrogate (e.g. \\ud800), which is not valid Unicode';
  return undefined;
}
