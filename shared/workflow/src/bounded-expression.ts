/**
 * Whether a JSONata expression is in the subset whose evaluation is bounded by its own size times
 * its input's, with nothing that loops, recurses, builds text or calls a function: field paths
 * (with literal indexes), literals, arithmetic, comparisons, `and`/`or`/`in`, the conditional and
 * array and object constructors. `steps.sum.total > 10` and `{ "total": trigger.a + trigger.b }`
 * are in it; `$uppercase(a)`, `a & b`, `[1..n]`, `a[x > 1]`, `a^(b)`, `**`, `:=` and lambdas
 * are not. Over a small input such an expression finishes in microseconds and allocates little, so it
 * needs no isolate that can be killed (see `isolated/expression-isolates.ts`).
 *
 * @example isBoundedAst(jsonata('steps.sum.total > 10').ast()) // true
 */
export function isBoundedAst(node: unknown): boolean {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return false;
  const n = node as AstNode;
  for (const key of Object.keys(n)) if (!NODE_KEYS.has(key)) return false;
  switch (n.type) {
    case 'string':
    case 'number':
    case 'value':
      return true;
    case 'name':
      return n.stages === undefined || n.stages.every(isLiteralIndex);
    case 'variable':
      // `$` (the input) and `$$` (the root) only: other variables are bound by constructs outside the subset.
      return (n.value === '' || n.value === '$') && n.stages === undefined;
    case 'path':
      return Array.isArray(n.steps) && n.steps.every(isBoundedAst);
    case 'binary':
      return BINARY_OPERATORS.has(String(n.value)) && isBoundedAst(n.lhs) && isBoundedAst(n.rhs);
    case 'unary':
      if (n.value === '-') return isBoundedAst(n.expression);
      if (n.value === '[') return Array.isArray(n.expressions) && n.expressions.every(isBoundedAst);
      if (n.value === '{')
        return (
          Array.isArray(n.lhs) &&
          n.lhs.every(
            (pair) => Array.isArray(pair) && pair.length === 2 && pair.every(isBoundedAst),
          )
        );
      return false;
    case 'block': // parentheses, or `(a; b)`: bounded parts in turn (`:=` is outside the subset)
      return Array.isArray(n.expressions) && n.expressions.every(isBoundedAst);
    case 'condition':
      return (
        isBoundedAst(n.condition) &&
        isBoundedAst(n.then) &&
        (n.else === undefined || isBoundedAst(n.else))
      );
    default:
      return false;
  }
}

interface AstNode {
  type?: string;
  value?: unknown;
  steps?: unknown[];
  stages?: unknown[];
  lhs?: unknown;
  rhs?: unknown;
  expression?: unknown;
  expressions?: unknown[];
  condition?: unknown;
  then?: unknown;
  else?: unknown;
}

/** Every key a node in the subset may carry: any other (group, focus, index, tuple, predicate…) is outside it. */
const NODE_KEYS = new Set([
  'type',
  'value',
  'position',
  'steps',
  'stages',
  'lhs',
  'rhs',
  'expression',
  'expressions',
  'condition',
  'then',
  'else',
  'keepArray',
  'keepSingletonArray',
  'consarray',
]);

/** `&` (text), `..` (ranges) and `~>` (function application) are left out. */
const BINARY_OPERATORS = new Set([
  '+',
  '-',
  '*',
  '/',
  '%',
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'and',
  'or',
  'in',
]);

/** `items[0]`, `items[-1]`: a filter by a literal number. */
function isLiteralIndex(stage: unknown): boolean {
  if (stage === null || typeof stage !== 'object') return false;
  const s = stage as { type?: string; expr?: { type?: string; value?: unknown } };
  return (
    s.type === 'filter' &&
    (s.expr?.type === 'number' ||
      (s.expr?.type === 'unary' &&
        s.expr.value === '-' &&
        (s.expr as { expression?: { type?: string } }).expression?.type === 'number'))
  );
}

/**
 * Whether `data` is small enough for a bounded expression to run over it in the calling thread:
 * at most `maxNodes` values (objects, arrays and scalars counted alike) and no string longer than
 * `maxStringChars`. Stops counting at the first excess, so a large input costs little to refuse.
 *
 * @example isSmallData({ a: [1, 2] }, { maxNodes: 10, maxStringChars: 100 }) // true
 */
export function isSmallData(
  data: unknown,
  limits: { maxNodes: number; maxStringChars: number },
): boolean {
  // Each value is counted when it is pushed, so a huge array is refused before it is copied.
  let budget = limits.maxNodes - 1;
  const stack: unknown[] = [data];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (value.length > limits.maxStringChars) return false;
    } else if (Array.isArray(value)) {
      budget -= value.length;
      if (budget < 0) return false;
      for (const item of value) stack.push(item);
    } else if (value !== null && typeof value === 'object') {
      for (const key in value) {
        budget -= 1;
        if (budget < 0) return false;
        stack.push((value as Record<string, unknown>)[key]);
      }
    }
  }
  return true;
}
