import { useEffect, useState } from 'react';
import { ExpressionInput } from '../expression-input';
import { useForm } from './context';

/** Free JSON (schema `{}`): JSON is parsed; anything else is kept as text (so `{{ }}` works). */
export function JsonInput({
  id,
  value,
  onValue,
  invalid,
  describedBy,
  json = false,
}: {
  id: string;
  /** The field holds JSON: JSON text with `{{ }}` values becomes JSON at run time. */
  json?: boolean;
  value: unknown;
  onValue: (v: unknown) => void;
  invalid: boolean;
  describedBy?: string;
}) {
  const { expressions } = useForm();
  const toText = (v: unknown) =>
    v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v, null, 2);
  const [text, setText] = useState(toText(value));
  useEffect(() => {
    if (parseLoose(text) !== value && JSON.stringify(parseLoose(text)) !== JSON.stringify(value))
      setText(toText(value));
  }, [value]);
  return (
    <>
      <ExpressionInput
        id={id}
        value={text}
        multiline
        json={json}
        invalid={invalid}
        describedBy={describedBy}
        plain={!expressions}
        placeholder={
          expressions
            ? 'JSON, e.g. { "ok": true }, or text with {{ }}'
            : 'JSON, e.g. { "ok": true }'
        }
        onChange={(t) => {
          setText(t);
          onValue(parseLoose(t));
        }}
      />
      <p className="mt-1 text-xs text-slate-400">
        {expressions ? (
          json ? (
            <>
              JSON, or text. {'{{ }}'} values work anywhere: {'{"total": {{ steps.sum.total }} }'}{' '}
              is sent as JSON.
            </>
          ) : (
            <>JSON value, or text. {'{{ }}'} expressions work inside strings.</>
          )
        ) : (
          'JSON value, or text.'
        )}
      </p>
    </>
  );
}

function parseLoose(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
