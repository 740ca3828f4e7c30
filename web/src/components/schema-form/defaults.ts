import type { JsonSchema } from '../../lib/api-types';
import { enumValues, fieldKind } from '../../lib/json-schema';

/** The value a new array item starts with: the schema's default, else an empty value of its kind. */
export function defaultFor(s: JsonSchema): unknown {
  if (s.default !== undefined) return structuredClone(s.default);
  switch (fieldKind(s)) {
    case 'string':
    case 'expression':
    case 'secret':
      return '';
    case 'number':
    case 'integer':
      return 0;
    case 'boolean':
      return false;
    case 'object':
    case 'record':
      return {};
    case 'array':
      return [];
    case 'enum':
      return (enumValues(s) ?? [])[0];
    default:
      return null;
  }
}
