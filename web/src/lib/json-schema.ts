import type {
  CONNECTION_FIELD_KEYWORD,
  ConnectionFieldAnnotation,
  OPTIONS_FIELD_KEYWORD,
  OptionsFieldAnnotation,
} from '@flowgenie/contracts';
import type { JsonSchema } from './api-types';

/** The input a JSON Schema node is edited with. */
export type FieldKind =
  | 'string'
  | 'secret'
  | 'expression'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'enum'
  | 'timezone'
  | 'object'
  | 'record'
  | 'array'
  | 'connection'
  | 'options'
  | 'any';

/** Follow a local `$ref` and unwrap `anyOf [X, null]`; `root` is the document holding `$defs`. */
export function resolveSchema(schema: JsonSchema | undefined, root?: JsonSchema): JsonSchema {
  if (!schema || typeof schema !== 'object') return {};
  let s = schema;
  for (let i = 0; i < 10; i += 1) {
    const ref = s.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/') || !root) break;
    const target = ref
      .slice(2)
      .split('/')
      .reduce<unknown>(
        (acc, k) =>
          acc && typeof acc === 'object' ? (acc as Record<string, unknown>)[k] : undefined,
        root,
      );
    if (!target) break;
    const { $ref: _ignored, ...rest } = s;
    s = { ...(target as JsonSchema), ...rest };
  }
  const union = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(union) && !enumFromUnion(union)) {
    const nonNull = union.filter((u) => u && u.type !== 'null');
    if (nonNull.length === 1) {
      const { anyOf: _a, oneOf: _o, ...rest } = s;
      return { ...resolveSchema(nonNull[0], root), ...rest, nullable: true };
    }
  }
  if (Array.isArray(s.type)) {
    const types = (s.type as string[]).filter((t) => t !== 'null');
    if (types.length === 1) return { ...s, type: types[0], nullable: true };
  }
  return s;
}

function enumFromUnion(union: JsonSchema[]): unknown[] | null {
  if (union.length === 0 || !union.every((u) => u && 'const' in u)) return null;
  return union.map((u) => u.const);
}

export function enumValues(s: JsonSchema): unknown[] | null {
  if (Array.isArray(s.enum)) return s.enum as unknown[];
  if ('const' in s) return [s.const];
  const union = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  return Array.isArray(union) ? enumFromUnion(union) : null;
}

/**
 * What a user reads for one enum value: its `x-enum-labels` entry, else the `title` of the
 * matching `oneOf`/`anyOf` `const` option, else the value itself.
 */
export function enumLabel(s: JsonSchema, value: unknown): string {
  const labels = s['x-enum-labels'];
  if (labels && typeof labels === 'object') {
    const label = (labels as Record<string, unknown>)[String(value)];
    if (typeof label === 'string' && label !== '') return label;
  }
  const union = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  const option = Array.isArray(union) ? union.find((u) => u && u.const === value) : undefined;
  if (option && typeof option.title === 'string') return option.title;
  return String(value);
}

export function isSecret(s: JsonSchema): boolean {
  return s.format === 'password' || s['x-secret'] === true;
}

/** `x-connection` (a connection id, picked from the user's connections). */
export const CONNECTION_KEYWORD: typeof CONNECTION_FIELD_KEYWORD = 'x-connection';
/** `x-options` (a value from a list loaded through the connection in a sibling field). */
export const OPTIONS_KEYWORD: typeof OPTIONS_FIELD_KEYWORD = 'x-options';

export function connectionAnnotation(s: JsonSchema): ConnectionFieldAnnotation | null {
  const a = s[CONNECTION_KEYWORD] as ConnectionFieldAnnotation | undefined;
  return a && typeof a === 'object' && Array.isArray(a.providers) ? a : null;
}

export function optionsAnnotation(s: JsonSchema): OptionsFieldAnnotation | null {
  const a = s[OPTIONS_KEYWORD] as OptionsFieldAnnotation | undefined;
  return a && typeof a === 'object' && typeof a.source === 'string' ? a : null;
}

export function fieldKind(s: JsonSchema): FieldKind {
  if (connectionAnnotation(s)) return 'connection';
  if (optionsAnnotation(s)) return 'options';
  if (enumValues(s)) return 'enum';
  // A computed value (transform's output, if's condition): any type once resolved.
  if (s['x-expression'] === true) return 'expression';
  const t = s.type;
  if (t === 'string') {
    if (isSecret(s)) return 'secret';
    if (s['x-time-zone'] === true) return 'timezone';
    return 'string';
  }
  if (t === 'number') return 'number';
  if (t === 'integer') return 'integer';
  if (t === 'boolean') return 'boolean';
  if (t === 'array') return 'array';
  if (t === 'object' || (!t && (s.properties || s.additionalProperties))) {
    if (s.properties && Object.keys(s.properties as object).length > 0) return 'object';
    if (s.additionalProperties && typeof s.additionalProperties === 'object') return 'record';
    if (s.properties) return 'object';
    return 'record';
  }
  return 'any';
}

/** `responseMode` → "Response mode", `hmac_secret` → "Hmac secret". */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function labelOf(key: string, s: JsonSchema): string {
  return typeof s.title === 'string' && s.title ? s.title : humanize(key);
}
