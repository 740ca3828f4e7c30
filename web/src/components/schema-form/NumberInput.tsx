import { useEffect, useState } from 'react';
import type { JsonSchema } from '../../lib/api-types';
import type { Aria } from './types';

/** A number (or integer) within the schema's bounds; cleared means unset. */
export function NumberInput({
  id,
  value,
  integer,
  schema,
  onValue,
  className,
  aria,
}: {
  id: string;
  value: unknown;
  integer: boolean;
  schema: JsonSchema;
  onValue: (v: unknown) => void;
  className: string;
  aria: Aria;
}) {
  const [text, setText] = useState(typeof value === 'number' ? String(value) : '');
  useEffect(() => {
    const parsed = text.trim() === '' ? undefined : Number(text);
    if (parsed !== value) setText(typeof value === 'number' ? String(value) : '');
    // only when the value changes from outside (undo, paste)
  }, [value]);
  return (
    <input
      id={id}
      type="number"
      inputMode={integer ? 'numeric' : 'decimal'}
      step={integer ? 1 : 'any'}
      min={typeof schema.minimum === 'number' ? schema.minimum : undefined}
      max={typeof schema.maximum === 'number' ? schema.maximum : undefined}
      placeholder={schema.default !== undefined ? String(schema.default) : undefined}
      className={className}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        const t = e.target.value.trim();
        if (t === '') onValue(undefined);
        else if (Number.isFinite(Number(t))) onValue(Number(t));
      }}
      {...aria}
    />
  );
}
