import jsonata from 'jsonata';
import { ExpressionError } from './errors';
import { boundedAstSize } from './bounded-expression';
import { SafeRegExp } from './safe-regex';
import { hasTemplate, parseTemplate, soleExpression } from './template';

/**
 * Data an expression sees: `trigger` (the trigger payload) and `steps.<nodeId>` (earlier
 * steps' outputs). Example: `{{ steps.fetch_user.body.email }}`.
 */
export interface ExpressionData {
  trigger: unknown;
  steps: Record<string, unknown>;
  /** The run this step belongs to: `{{ execution.id }}`, `{{ execution.stepId }}`. */
  execution?: { id: string; stepId?: string };
}

/**
 * Where expressions are evaluated. {@link inlineExpressions} runs them in the calling thread (the
 * builder's previews, unit tests); the executor passes an isolate pool
 * (`@flowgenie/workflow/isolated`) so no expression can stall or crash the shared process.
 */
export interface ExpressionEvaluator {
  evaluate(
    source: string,
    data: ExpressionData,
    options?: ExpressionLimits & { path?: string },
  ): Promise<unknown>;
  resolveConfig<T>(config: T, data: ExpressionData, options?: ResolveOptions): Promise<T>;
}

/** Guardrails for one evaluation (JSONata's own `timeout`, `stack`, `sequence` options). */
export interface ExpressionLimits {
  /** Wall-clock budget per expression. Cooperative: checked at every evaluation step. */
  timeoutMs?: number;
  /** Maximum evaluation nesting depth (stops runaway recursion). */
  maxDepth?: number;
  /** Maximum length of any sequence the expression builds. */
  maxSequence?: number;
}

export const DEFAULT_EXPRESSION_LIMITS: Required<ExpressionLimits> = {
  timeoutMs: 1000,
  maxDepth: 1000,
  maxSequence: 1_000_000,
};

interface JsonataFailure {
  code?: string;
  message?: string;
  position?: number;
  token?: string;
  value?: unknown;
}

/**
 * Compile a JSONata expression (the text inside `{{ }}`, or a raw JSONata field).
 * @throws ExpressionError on a syntax error.
 */
export function compileExpression(
  source: string,
  limits: ExpressionLimits = {},
  path?: string,
): jsonata.Expression {
  const l = { ...DEFAULT_EXPRESSION_LIMITS, ...limits };
  try {
    return jsonata(source, {
      timeout: l.timeoutMs,
      stack: l.maxDepth,
      sequence: l.maxSequence,
      // jsonata only ever calls `new RegexEngine(...)`; the typing also demands a call signature.
      RegexEngine: SafeRegExp as unknown as RegExpConstructor,
    });
  } catch (err) {
    throw toExpressionError(err, source, path, l);
  }
}

/**
 * Evaluate one JSONata expression against `data`. The result is plain JSON-like data
 * (JSONata sequences become arrays, functions are dropped).
 *
 * @throws ExpressionError naming the expression (and the field path, when given).
 * @example await evaluateExpression('steps.a.n * 2', { trigger: {}, steps: { a: { n: 2 } } }) // 4
 */
export async function evaluateExpression(
  source: string,
  data: ExpressionData,
  options: ExpressionLimits & { path?: string } = {},
): Promise<unknown> {
  const limits = { ...DEFAULT_EXPRESSION_LIMITS, ...options };
  const compiled = acquireCompiled(source, limits, options.path);
  try {
    return toPlain(await compiled.expression.evaluate(data));
  } catch (err) {
    throw toExpressionError(err, source, options.path, limits);
  } finally {
    compiled.release();
  }
}

/** Compiled expressions kept for {@link evaluateExpression}, by limits and source (LRU). */
const COMPILED_CACHE_SIZE = 256;
/** Idle instances kept per source (as many as evaluations of it usually overlap), and in all. */
const IDLE_PER_SOURCE = 16;
const IDLE_IN_ALL = 512;
let idleInAll = 0;
interface CompiledEntry {
  expression: jsonata.Expression;
  /** Puts the instance back for the next evaluation of the same source. */
  release(): void;
}
const compiledCache = new Map<string, jsonata.Expression[]>();

/**
 * A compiled expression for one evaluation (call `release` when it has finished). Parsing is
 * the bulk of a small expression's cost, so instances are reused; the limits are part of the
 * key and the time limit starts at each `evaluate`. An instance is never shared by two
 * evaluations at once: JSONata keeps the `$now()`/`$millis()` timestamp per instance, so
 * overlapping evaluations of the same source each take an idle instance, or compile one.
 */
function acquireCompiled(
  source: string,
  limits: Required<ExpressionLimits>,
  path: string | undefined,
): CompiledEntry {
  const key = `${limits.timeoutMs}:${limits.maxDepth}:${limits.maxSequence}:${source}`;
  let idle = compiledCache.get(key);
  if (idle) {
    compiledCache.delete(key);
  } else {
    idle = [];
    if (compiledCache.size >= COMPILED_CACHE_SIZE) {
      const oldest = compiledCache.keys().next().value;
      if (oldest !== undefined) {
        idleInAll -= compiledCache.get(oldest)?.length ?? 0;
        compiledCache.delete(oldest);
      }
    }
  }
  compiledCache.set(key, idle);
  const pool = idle;
  const reused = pool.pop();
  if (reused) idleInAll -= 1;
  const expression = reused ?? compileExpression(source, limits, path);
  return {
    expression,
    release: () => {
      // An instance whose source was evicted meanwhile is not kept (its pool is unreachable).
      if (compiledCache.get(key) !== pool) return;
      if (pool.length >= IDLE_PER_SOURCE || idleInAll >= IDLE_IN_ALL) return;
      pool.push(expression);
      idleInAll += 1;
    },
  };
}

export interface ResolveOptions extends ExpressionLimits {
  /**
   * Top-level config keys that hold JSON (a request or response body, a transform's output).
   * Text in such a field that looks like JSON (starts with `{` or `[`) is parsed after the
   * expressions are inserted, each value JSON-encoded: escaped inside a JSON string, written as
   * JSON elsewhere. So `{"total": {{ steps.sum.total }} }` gives an object with a number.
   */
  jsonKeys?: readonly string[];
}

/**
 * Deep-walk a node's config and evaluate every `{{ expr }}` in string values (object keys are
 * left alone). A string that is exactly one `{{ expr }}` takes the expression's value with its
 * type; in mixed text each expression is interpolated (strings as is, `undefined` as '', others
 * as JSON), except in JSON fields (`jsonKeys`), see {@link ResolveOptions}.
 *
 * @throws ExpressionError naming the expression and the field path.
 * @example
 * ```ts
 * await resolveConfig({ n: '{{ trigger.n }}', s: 'n={{ trigger.n }}' }, { trigger: { n: 3 }, steps: {} });
 * // { n: 3, s: 'n=3' }
 * ```
 */
export async function resolveConfig<T>(
  config: T,
  data: ExpressionData,
  options: ResolveOptions = {},
): Promise<T> {
  const json = new Set(options.jsonKeys ?? []);
  const walk = async (value: unknown, path: string[]): Promise<unknown> => {
    if (typeof value === 'string') {
      const asJson = path.length === 1 && json.has(path[0]);
      return resolveString(value, data, options, path.join('.'), asJson);
    }
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (let i = 0; i < value.length; i += 1)
        out.push(await walk(value[i], [...path, String(i)]));
      return out;
    }
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) out[key] = await walk(v, [...path, key]);
      return out;
    }
    return value;
  };
  return (await walk(config, [])) as T;
}

/**
 * The value of one template string: see {@link resolveConfig}. `json`: the field holds JSON, so
 * text that looks like JSON is parsed after the values are inserted.
 * @throws ExpressionError on a bad expression, or JSON text that does not parse once filled in.
 */
export async function resolveTemplate(
  value: string,
  data: ExpressionData,
  options: ExpressionLimits & { path?: string; json?: boolean } = {},
): Promise<unknown> {
  return resolveString(value, data, options, options.path ?? '', options.json ?? false);
}

async function resolveString(
  value: string,
  data: ExpressionData,
  limits: ExpressionLimits,
  path: string,
  json: boolean,
): Promise<unknown> {
  if (!hasTemplate(value)) return json ? parseJsonText(value, path, false) : value;
  const parts = parseTemplate(value, path);
  const sole = soleExpression(parts);
  if (sole !== undefined) return evaluateExpression(sole, data, { ...limits, path });
  const jsonText = json && looksLikeJson(value);
  let out = '';
  let inString = false;
  for (const part of parts) {
    if (part.kind === 'text') {
      out += part.value;
      if (jsonText) inString = endsInsideJsonString(part.value, inString);
      continue;
    }
    const v = await evaluateExpression(part.source, data, { ...limits, path });
    if (!jsonText) out += stringify(v);
    else if (inString) out += JSON.stringify(stringify(v)).slice(1, -1);
    else out += v === undefined ? 'null' : JSON.stringify(v);
  }
  return jsonText ? parseJsonText(out, path, true) : out;
}

/** Text a JSON field parses: it starts with `{` or `[` (anything else stays text). */
function looksLikeJson(text: string): boolean {
  const t = text.trimStart();
  return t.startsWith('{') || t.startsWith('[');
}

/** Whether, after `text`, a JSON scanner that started inside a string (or not) is inside one. */
function endsInsideJsonString(text: string, inString: boolean): boolean {
  let inside = inString;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (inside && c === '\\') i += 1;
    else if (c === '"') inside = !inside;
  }
  return inside;
}

function parseJsonText(text: string, path: string, filled: boolean): unknown {
  if (!looksLikeJson(text)) return text;
  try {
    return JSON.parse(text);
  } catch (err) {
    // Plain text that merely starts with a brace stays text; only filled-in JSON must parse.
    if (!filled) return text;
    const reason = err instanceof Error ? err.message : String(err);
    throw new ExpressionError(
      `${path ? `${path}: ` : ''}is not valid JSON once the values are inserted (${reason})`,
      {
        code: 'json',
        expression: text,
        path,
        reason: `not valid JSON once the values are inserted (${reason})`,
      },
    );
  }
}

/** Whether any string in `config` holds a `{{ }}`, or a JSON field holds JSON text: nothing to resolve otherwise. */
export function containsTemplate(config: unknown, jsonKeys: readonly string[] = []): boolean {
  const json = new Set(jsonKeys);
  const walk = (value: unknown): boolean => {
    if (typeof value === 'string') return hasTemplate(value);
    if (Array.isArray(value)) return value.some(walk);
    if (isPlainObject(value)) return Object.values(value).some(walk);
    return false;
  };
  if (!isPlainObject(config)) return walk(config);
  return Object.entries(config).some(
    ([k, v]) => walk(v) || (json.has(k) && typeof v === 'string' && looksLikeJson(v)),
  );
}

/** Evaluates in the calling thread: JSONata's limits are cooperative, so use it only where a stall is harmless. */
export const inlineExpressions: ExpressionEvaluator = {
  evaluate: evaluateExpression,
  resolveConfig,
};

function stringify(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** An expression found in a config, for validation and for the builder. */
export interface FoundExpression {
  /** Dotted path of the field inside the config, e.g. `headers.Authorization` or `body.items.0`. */
  path: string;
  /** The JSONata source inside `{{ }}`. */
  expression: string;
  /** Set when the template or the expression does not parse. */
  error?: ExpressionError;
}

/**
 * Every `{{ }}` expression in a config with its field path. Nothing is evaluated; syntax errors
 * are reported on the entry instead of thrown.
 */
export function parseExpressions(config: unknown): FoundExpression[] {
  const found: FoundExpression[] = [];
  const walk = (value: unknown, path: string[]) => {
    if (typeof value === 'string') found.push(...templateEntries(value, path.join('.')));
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, String(i)]));
    else if (isPlainObject(value))
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  walk(config, []);
  return found;
}

function templateEntries(value: string, path: string): FoundExpression[] {
  if (!hasTemplate(value)) return [];
  try {
    return parseTemplate(value, path)
      .filter((p) => p.kind === 'expr')
      .map((p) => withSyntaxCheck({ path, expression: (p as { source: string }).source }));
  } catch (err) {
    return [{ path, expression: value, error: err as ExpressionError }];
  }
}

function withSyntaxCheck(entry: FoundExpression): FoundExpression {
  if (analysed.has(entry.expression)) return entry;
  try {
    remember(entry.expression, compileExpression(entry.expression, {}, entry.path));
    return entry;
  } catch (err) {
    return { ...entry, error: err as ExpressionError };
  }
}

/**
 * What is known of each valid expression already seen: the steps it reads and whether it is in
 * the bounded subset ({@link isBoundedExpression}). Validation runs on every save, read and list
 * of a draft, and the executor asks before every step: compiling the same sources with JSONata
 * again was most of the cost. Only valid sources are kept (an error names its field, which
 * differs per use); the oldest go first past the bound.
 */
interface Analysis {
  steps: readonly string[];
  /** Nodes of its syntax tree when it is in the bounded subset, else undefined. */
  boundedSize: number | undefined;
}
const analysed = new Map<string, Analysis>();
const ANALYSED_MAX = 10_000;

function remember(source: string, compiled: jsonata.Expression): Analysis {
  const ast = compiled.ast();
  const analysis = { steps: stepsInAst(ast), boundedSize: boundedAstSize(ast) };
  analysed.set(source, analysis);
  if (analysed.size > ANALYSED_MAX) analysed.delete(analysed.keys().next().value as string);
  return analysis;
}

function analyse(source: string): Analysis {
  return analysed.get(source) ?? remember(source, compileExpression(source));
}

/**
 * Ids of the steps an expression reads through `steps.<id>` (also `$.steps.<id>` and
 * `$$.steps.<id>`), found in the JSONata AST. Dynamic access (`$lookup(steps, $x)`) is not seen.
 *
 * @throws ExpressionError on a syntax error.
 * @example referencedSteps('steps.fetch_user.body.email & steps.b.x') // ['fetch_user', 'b']
 */
export function referencedSteps(expression: string): string[] {
  return [...analyse(expression).steps];
}

/** Whether one expression is valid and of the bounded subset (see {@link isBoundedConfig}). */
export function isBoundedExpression(source: string): boolean {
  try {
    return analyse(source).boundedSize !== undefined;
  } catch {
    return false;
  }
}

/** Most syntax-tree nodes of all the bounded expressions of one config together. */
export const BOUNDED_CONFIG_MAX_NODES = 256;

/**
 * Whether every `{{ }}` in `config` is a valid expression of the bounded subset (see
 * `bounded-expression.ts`: paths, literals, arithmetic, comparisons, no function calls), with at
 * most {@link BOUNDED_CONFIG_MAX_NODES} syntax-tree nodes in all. False on a broken template or
 * expression, so the caller's usual path reports it.
 *
 * @example isBoundedConfig({ condition: '{{ steps.sum.total > 10 }}' }) // true
 */
export function isBoundedConfig(config: unknown): boolean {
  try {
    let nodes = 0;
    for (const found of parseExpressions(config)) {
      const size = found.error === undefined ? analyse(found.expression).boundedSize : undefined;
      if (size === undefined) return false;
      nodes += size;
      if (nodes > BOUNDED_CONFIG_MAX_NODES) return false;
    }
    return true;
  } catch {
    return false;
  }
}

function stepsInAst(ast: unknown): string[] {
  const ids = new Set<string>();
  const seen = new Set<object>();
  const visit = (node: unknown) => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    const n = node as { type?: string; steps?: Array<{ type?: string; value?: unknown }> };
    if (n.type === 'path' && Array.isArray(n.steps)) {
      const s = n.steps;
      const rootVar = s[0]?.type === 'variable' && (s[0].value === '' || s[0].value === '$');
      const at = rootVar ? 1 : 0;
      if (s[at]?.type === 'name' && s[at].value === 'steps' && s[at + 1]?.type === 'name') {
        ids.add(String(s[at + 1].value));
      }
    }
    Object.values(node).forEach(visit);
  };
  visit(ast);
  return [...ids];
}

function toExpressionError(
  err: unknown,
  source: string,
  path: string | undefined,
  limits: Required<ExpressionLimits>,
): ExpressionError {
  if (err instanceof ExpressionError) return err;
  const e = (
    typeof err === 'object' && err !== null ? err : { message: String(err) }
  ) as JsonataFailure;
  const code = e.code ?? 'evaluation';
  let reason: string;
  if (code === 'D1012') reason = `timed out after ${limits.timeoutMs} ms`;
  else if (code === 'D1011')
    reason = `exceeded the maximum evaluation depth of ${limits.maxDepth} (runaway recursion?)`;
  else if (code === 'D2015') reason = `built a sequence longer than ${limits.maxSequence} items`;
  else if (err instanceof RangeError) reason = `ran out of resources: ${err.message}`;
  else reason = e.message ?? 'failed';
  const at =
    e.position !== undefined && code.startsWith('S') ? ` (at character ${e.position})` : '';
  const where = path ? ` in ${path}` : '';
  return new ExpressionError(`expression "${source}"${where}: ${reason}${at}`, {
    code,
    expression: source,
    path,
    position: e.position,
    reason: `${reason}${at}`,
  });
}

/** Copy JSONata output into plain data: sequences become arrays, functions are dropped. */
function toPlain(value: unknown): unknown {
  if (typeof value === 'function') return undefined;
  if (Array.isArray(value)) return value.map(toPlain).filter((v) => v !== undefined);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const plain = toPlain(v);
      if (plain !== undefined) out[k] = plain;
    }
    return out;
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
