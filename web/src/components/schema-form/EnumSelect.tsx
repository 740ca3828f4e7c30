import type { JsonSchema } from '../../lib/api-types';
import { enumLabel, enumValues } from '../../lib/json-schema';
import type { Aria } from './types';

/**
 * One of a schema's `enum` / `const` values, shown by label (`x-enum-labels` or a `oneOf` option's
 * `title`); the default is marked, unset is offered when allowed.
 */
export function EnumSelect({
  id,
  schema,
  value,
  onValue,
  required,
  className,
  aria,
}: {
  id: string;
  schema: JsonSchema;
  value: unknown;
  onValue: (v: unknown) => void;
  required?: boolean;
  className: string;
  aria: Aria;
}) {
  const dflt = schema.default;
  const values = enumValues(schema) ?? [];
  const current = value === undefined ? dflt : value;
  const index = values.findIndex((v) => v === current);
  return (
    <select
      id={id}
      className={className}
      value={index < 0 ? '' : String(index)}
      onChange={(e) => onValue(e.target.value === '' ? undefined : values[Number(e.target.value)])}
      {...aria}
    >
      {(index < 0 || (!required && dflt === undefined)) && (
        <option value="">{required ? 'Choose…' : '(not set)'}</option>
      )}
      {values.map((v, i) => (
        <option key={i} value={String(i)}>
          {enumLabel(schema, v)}
          {v === dflt ? ' (default)' : ''}
        </option>
      ))}
    </select>
  );
}
