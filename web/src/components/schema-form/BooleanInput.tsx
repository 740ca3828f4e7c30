import type { JsonSchema } from '../../lib/api-types';
import { RequiredMark } from './FieldChrome';
import type { Aria } from './types';

/** A checkbox that carries its own label (the field shows no separate one). */
export function BooleanInput({
  id,
  schema,
  value,
  onValue,
  required,
  label,
  aria,
}: {
  id: string;
  schema: JsonSchema;
  value: unknown;
  onValue: (v: unknown) => void;
  required?: boolean;
  label: string;
  aria: Aria;
}) {
  const checked = (value === undefined ? schema.default : value) === true;
  return (
    <label className="flex items-center gap-2 text-sm font-medium text-slate-700">
      <input
        id={id}
        type="checkbox"
        className="h-4 w-4 rounded border-slate-300 text-indigo-600"
        checked={checked}
        onChange={(e) => onValue(e.target.checked)}
        {...aria}
      />
      {label}
      {required && <RequiredMark />}
    </label>
  );
}
