import { previewValue } from '../../lib/format';
import type { JsonSchema } from '../../lib/api-types';

/**
 * Expression autocomplete, framework-free: which data paths a field can use (the trigger and
 * upstream steps, from the last run's values or the node types' output schemas), where the
 * caret is inside a `{{ }}`, and how picking a suggestion rewrites the text.
 */
export interface Suggestion {
  /** JSONata path inserted, e.g. `steps.fetch_user.body.email`. */
  path: string;
  /** Short description: a value preview (from the last run) or a type (from the schema). */
  detail: string;
  source: 'run' | 'schema' | 'root';
  /** The output schema's type of the path (`string`, `number`…), for a schema suggestion. */
  type?: string;
}

export interface DataSource {
  /** `trigger` or `steps.<id>`. */
  root: string;
  /** A human label for the group, e.g. "Webhook" or "fetch_user (HTTP request)". */
  label?: string;
  /** Data seen on the last run (or a sample). Takes precedence over the schema. */
  value?: unknown;
  hasValue: boolean;
  schema?: JsonSchema;
}

/** `execution.id` and `execution.stepId`: the executor gives every step's expressions these. */
export const EXECUTION_SOURCE: DataSource = {
  root: 'execution',
  label: 'This run',
  hasValue: false,
  schema: {
    type: 'object',
    properties: {
      id: { type: 'string', description: 'execution id' },
      stepId: { type: 'string', description: 'id of this step' },
    },
  },
};

const MAX_DEPTH = 5;
const MAX_PER_SOURCE = 200;
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** One path step: `.name`, or `.\`odd name\`` for keys JSONata cannot read bare. */
export function pathSegment(key: string): string {
  return IDENT.test(key) ? `.${key}` : `.\`${key.replace(/`/g, '')}\``;
}

function fromValue(prefix: string, value: unknown, depth: number, out: Suggestion[]) {
  if (out.length >= MAX_PER_SOURCE || depth > MAX_DEPTH) return;
  if (Array.isArray(value)) {
    if (value.length > 0) {
      const p = `${prefix}[0]`;
      out.push({ path: p, detail: previewValue(value[0]), source: 'run' });
      fromValue(p, value[0], depth + 1, out);
    }
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (out.length >= MAX_PER_SOURCE) return;
      const p = prefix + pathSegment(k);
      out.push({ path: p, detail: previewValue(v), source: 'run' });
      fromValue(p, v, depth + 1, out);
    }
  }
}

function schemaType(s: JsonSchema): string {
  const t = s.type;
  if (Array.isArray(t)) return t.filter((x) => x !== 'null').join(' | ');
  if (typeof t === 'string') return t;
  if (Array.isArray(s.enum)) return 'enum';
  return 'any';
}

function resolveSchema(
  s: JsonSchema | undefined,
  root: JsonSchema | undefined,
): JsonSchema | undefined {
  if (!s) return undefined;
  const ref = s.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/') && root) {
    const target = ref
      .slice(2)
      .split('/')
      .reduce<unknown>(
        (acc, k) =>
          acc && typeof acc === 'object' ? (acc as Record<string, unknown>)[k] : undefined,
        root,
      );
    return (target as JsonSchema | undefined) ?? s;
  }
  const union = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(union)) {
    const nonNull = union.filter((u) => u.type !== 'null');
    if (nonNull.length === 1) return resolveSchema(nonNull[0], root);
  }
  return s;
}

function fromSchema(
  prefix: string,
  schema: JsonSchema | undefined,
  root: JsonSchema | undefined,
  depth: number,
  out: Suggestion[],
) {
  const s = resolveSchema(schema, root);
  if (!s || out.length >= MAX_PER_SOURCE || depth > MAX_DEPTH) return;
  const props = s.properties as Record<string, JsonSchema> | undefined;
  if (props && typeof props === 'object') {
    for (const [k, child] of Object.entries(props)) {
      const c = resolveSchema(child, root) ?? {};
      const p = prefix + pathSegment(k);
      const desc = typeof c.description === 'string' ? ` — ${c.description}` : '';
      out.push({
        path: p,
        detail: `${schemaType(c)}${desc}`,
        source: 'schema',
        type: schemaType(c),
      });
      fromSchema(p, c, root, depth + 1, out);
    }
  }
  const items = s.items as JsonSchema | undefined;
  if (items && typeof items === 'object' && !Array.isArray(items)) {
    const p = `${prefix}[0]`;
    const c = resolveSchema(items, root) ?? {};
    out.push({ path: p, detail: schemaType(c), source: 'schema', type: schemaType(c) });
    fromSchema(p, c, root, depth + 1, out);
  }
}

/** All paths offered for a field, grouped by source in the order given (trigger first, nearest step next). */
export function buildSuggestions(sources: readonly DataSource[]): Suggestion[] {
  const all: Suggestion[] = [];
  for (const src of sources) {
    const own: Suggestion[] = [];
    own.push({
      path: src.root,
      detail: src.hasValue
        ? previewValue(src.value)
        : (src.label ?? (src.schema ? schemaType(src.schema) : 'no data yet')),
      source: 'root',
    });
    if (src.hasValue) fromValue(src.root, src.value, 1, own);
    else fromSchema(src.root, src.schema, src.schema, 1, own);
    all.push(...own);
  }
  return all;
}

export interface CompletionContext {
  /** Range of the text being completed (the path typed so far). */
  from: number;
  to: number;
  token: string;
  /** The `{{` is not closed after the caret: insert ` }}` too. */
  needsClose: boolean;
  /** The token starts right after `{{` with no space: insert one. */
  needsSpace: boolean;
}

const TOKEN = /[A-Za-z0-9_$.`[\]]*$/;

/**
 * Where autocomplete applies at `cursor`: inside an open `{{`. Returns null when the caret is in
 * plain text.
 */
export function completionContext(text: string, cursor: number): CompletionContext | null {
  const before = text.slice(0, cursor);
  const open = before.lastIndexOf('{{');
  if (open < 0) return null;
  const inner = before.slice(open + 2);
  if (inner.includes('}}')) return null;
  // inside a JSONata string literal the caret is text, not a path
  const quotes = (inner.match(/"/g)?.length ?? 0) + (inner.match(/'/g)?.length ?? 0);
  if (quotes % 2 === 1) return null;
  const token = TOKEN.exec(inner)?.[0] ?? '';
  const after = text.slice(cursor);
  const nextClose = after.indexOf('}}');
  const nextOpen = after.indexOf('{{');
  const needsClose = nextClose < 0 || (nextOpen >= 0 && nextOpen < nextClose);
  const from = cursor - token.length;
  return { from, to: cursor, token, needsClose, needsSpace: from === open + 2 };
}

/** Suggestions matching the typed token: prefix matches first, then other matches; at most `limit`. */
export function filterSuggestions(
  all: readonly Suggestion[],
  token: string,
  limit = 50,
): Suggestion[] {
  const t = token.toLowerCase();
  if (!t) return all.filter((s) => s.source === 'root' || depthOf(s.path) <= 2).slice(0, limit);
  const prefix: Suggestion[] = [];
  const other: Suggestion[] = [];
  for (const s of all) {
    const p = s.path.toLowerCase();
    if (p === t) continue;
    if (p.startsWith(t)) prefix.push(s);
    else if (t.length >= 2 && p.includes(t)) other.push(s);
  }
  // shallower paths first (children of what was typed before grandchildren); sort is stable
  prefix.sort((a, b) => depthOf(a.path) - depthOf(b.path));
  return [...prefix, ...other].slice(0, limit);
}

function depthOf(path: string): number {
  return (path.match(/\.|\[/g) ?? []).length;
}

/** Insert a picked path; returns the new text and where the caret goes (right after the path). */
export function applySuggestion(
  text: string,
  ctx: CompletionContext,
  path: string,
): { text: string; cursor: number } {
  const lead = ctx.needsSpace ? ' ' : '';
  const close = ctx.needsClose ? ' }}' : '';
  const head = text.slice(0, ctx.from) + lead + path;
  return { text: head + close + text.slice(ctx.to), cursor: head.length };
}
