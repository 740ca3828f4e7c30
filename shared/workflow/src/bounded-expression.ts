/** Most syntax-tree nodes a bounded expression may have: the work is at most this many passes over the input. */
export const BOUNDED_AST_MAX_NODES = 48;

/**
 * Whether a JSONata expression is in the subset whose evaluation costs at most a pass over its
 * input per node of its syntax tree, with nothing that loops, recurses, builds text, calls a
 * function or evaluates a subexpression per item: field paths (`$` or `$$` only as their first
 * step, literal indexes), literals, arithmetic, comparisons, `and`/`or`/`in`, the conditional,
 * parentheses and array and object constructors, in at most {@link BOUNDED_AST_MAX_NODES} nodes.
 * `steps.sum.total > 10` and `{ "total": trigger.a + trigger.b }` are in it; `$uppercase(a)`,
 * `a & b`, `[1..n]`, `a[x > 1]`, `a.(b)`, `a.$$`, `a^(b)`, `**`, `:=` and lambdas are not. Over a
 * small input (see {@link isSmallData}) such an expression finishes in well under a millisecond
 * and allocates little, so it needs no isolate that can be killed (`isolated/expression-isolates.ts`).
 *
 * @example isBoundedAst(jsonata('steps.sum.total > 10').ast()) // true
 */
export function isBoundedAst(ast: unknown): boolean {
  return boundedAstSize(ast) !== undefined;
}

/** The number of nodes of a bounded expression's syntax tree; undefined outside the subset. */
export function boundedAstSize(ast: unknown): number | undefined {
  const budget = { nodes: BOUNDED_AST_MAX_NODES };
  return isBoundedNode(ast, budget) ? BOUNDED_AST_MAX_NODES - budget.nodes : undefined;
}

function isBoundedNode(node: unknown, budget: { nodes: number }): boolean {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return false;
  budget.nodes -= 1;
  if (budget.nodes < 0) return false;
  const n = node as AstNode;
  for (const key of Object.keys(n)) if (!NODE_KEYS.has(key)) return false;
  // A filter on any step or operand (`a.(b)[…]` too) must be a literal index: anything else is
  // evaluated once per item.
  if (n.stages !== undefined && !(Array.isArray(n.stages) && n.stages.every(isLiteralIndex)))
    return false;
  const each = (nodes: unknown) =>
    Array.isArray(nodes) && nodes.every((child) => isBoundedNode(child, budget));
  switch (n.type) {
    case 'string':
    case 'number':
    case 'value':
    case 'name':
      return true;
    case 'variable':
      // `$` (the input) and `$$` (the root) only: other variables are bound by constructs outside the subset.
      return n.value === '' || n.value === '$';
    case 'path': {
      // After the first step only field names: any other step is evaluated once per item of the
      // step before it (`a.$$`, `a.(b)`, `a.[b]` multiply the work by the input's size).
      if (!Array.isArray(n.steps) || n.steps.length === 0) return false;
      const [first, ...rest] = n.steps as AstNode[];
      if (first?.type !== 'name' && first?.type !== 'variable') return false;
      return each(n.steps) && rest.every((step) => step?.type === 'name');
    }
    case 'binary':
      return (
        BINARY_OPERATORS.has(String(n.value)) &&
        isBoundedNode(n.lhs, budget) &&
        isBoundedNode(n.rhs, budget)
      );
    case 'unary':
      if (n.value === '-') return isBoundedNode(n.expression, budget);
      if (n.value === '[') return each(n.expressions);
      if (n.value === '{')
        return (
          Array.isArray(n.lhs) &&
          n.lhs.every((pair) => Array.isArray(pair) && pair.length === 2 && each(pair))
        );
      return false;
    case 'block': // parentheses, or `(a; b)`: bounded parts in turn (`:=` is outside the subset)
      return each(n.expressions);
    case 'condition':
      return (
        isBoundedNode(n.condition, budget) &&
        isBoundedNode(n.then, budget) &&
        (n.else === undefined || isBoundedNode(n.else, budget))
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
 * at most `maxNodes` values (objects, arrays and scalars counted alike) and `maxChars`
 * characters of strings and keys in all. Stops counting at the first excess, so a large input
 * costs little to refuse.
 *
 * @example isSmallData({ a: [1, 2] }, { maxNodes: 10, maxChars: 100 }) // true
 */
export function isSmallData(
  data: unknown,
  limits: { maxNodes: number; maxChars: number },
): boolean {
  // Each value is counted when it is pushed, so a huge array is refused before it is copied.
  let nodes = limits.maxNodes - 1;
  let chars = limits.maxChars;
  const stack: unknown[] = [data];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      chars -= value.length;
      if (chars < 0) return false;
    } else if (Array.isArray(value)) {
      nodes -= value.length;
      if (nodes < 0) return false;
      for (const item of value) stack.push(item);
    } else if (value !== null && typeof value === 'object') {
      for (const key in value) {
        nodes -= 1;
        chars -= key.length;
        if (nodes < 0 || chars < 0) return false;
        stack.push((value as Record<string, unknown>)[key]);
      }
    }
  }
  return true;
}
