/**
 * Immutable set at a path inside plain JSON. `undefined` removes an object key. Missing
 * containers are created as objects (array editors always pass whole arrays for structure).
 */
export function setIn(target: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(target)) {
    const i = Number(head);
    const next = [...target];
    next[i] = setIn(target[i], rest, value);
    return next;
  }
  const obj = target && typeof target === 'object' ? (target as Record<string, unknown>) : {};
  const child = setIn(obj[head], rest, value);
  const { [head]: _old, ...others } = obj;
  return child === undefined ? others : { ...obj, [head]: child };
}

/** The value at a path inside plain JSON, or undefined. */
export function getIn(target: unknown, path: readonly string[]): unknown {
  let cur = target;
  for (const key of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
