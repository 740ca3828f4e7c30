import { useEffect, useState, type ReactNode } from 'react';
import type { JsonSchema } from '../../lib/api-types';
import { cx } from '../../lib/cx';
import { hasTemplate } from '../../lib/expressions';
import { fieldKind, labelOf, resolveSchema } from '../../lib/json-schema';
import { ExpressionInput } from '../expression-input';
import { useForm } from './context';
import { Control } from './Control';
import { Messages, RequiredMark } from './FieldChrome';
import type { FieldProps } from './types';

/** One field per property of an object schema, in schema order. */
export function ObjectFields({
  schema,
  value,
  path,
}: {
  schema: JsonSchema;
  value: unknown;
  path: string[];
}) {
  const { root } = useForm();
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const obj = (value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as Record<
    string,
    unknown
  >;
  return (
    <>
      {Object.entries(props).map(([key, child]) => (
        <Field
          key={key}
          name={key}
          schema={resolveSchema(child, root)}
          value={obj[key]}
          path={[...path, key]}
          required={required.has(key)}
        />
      ))}
    </>
  );
}

/**
 * A labelled field: its control, description and messages; nested objects as a fieldset.
 * Numbers, booleans and enums can switch to an expression (`{{ }}`) where expressions are allowed.
 */
export function Field({ name, schema, value, path, required, label }: FieldProps) {
  const { issues, idPrefix, change, expressions } = useForm();
  const id = `${idPrefix}-${path.join('-')}`;
  const pathKey = path.join('.');
  const messages = issues.filter((i) => i.field === pathKey).map((i) => i.message);
  const childMessages = issues.some((i) => i.field.startsWith(`${pathKey}.`));
  const kind = fieldKind(schema);
  const canExpress =
    expressions &&
    (kind === 'number' ||
      kind === 'integer' ||
      kind === 'boolean' ||
      kind === 'enum' ||
      kind === 'timezone' ||
      kind === 'options');
  const [exprMode, setExprMode] = useState(
    typeof value === 'string' && hasTemplate(value) && canExpress,
  );
  useEffect(() => {
    if (typeof value === 'string' && hasTemplate(value) && canExpress) setExprMode(true);
  }, [value, canExpress]);
  const description = typeof schema.description === 'string' ? schema.description : undefined;
  const descId = description ? `${id}-desc` : undefined;
  const errId = messages.length > 0 ? `${id}-err` : undefined;
  const describedBy = [errId, descId].filter(Boolean).join(' ') || undefined;
  const text = label ?? labelOf(name, schema);
  const onValue = (v: unknown) => change(path, v);
  const invalid = messages.length > 0;

  if (kind === 'object') {
    return (
      <fieldset
        className={cx(
          'rounded-md border p-3',
          childMessages || invalid ? 'border-red-300' : 'border-slate-200',
        )}
        data-field={pathKey}
      >
        <legend className="px-1 text-sm font-medium text-slate-700">
          {text}
          {required && <RequiredMark />}
        </legend>
        {description && (
          <p id={descId} className="mb-2 text-xs text-slate-500">
            {description}
          </p>
        )}
        <Messages id={errId} messages={messages} />
        <div className="space-y-3">
          <ObjectFields schema={schema} value={value} path={path} />
        </div>
      </fieldset>
    );
  }

  let control: ReactNode;
  if (exprMode) {
    control = (
      <ExpressionInput
        id={id}
        value={typeof value === 'string' ? value : ''}
        onChange={onValue}
        invalid={invalid}
        describedBy={describedBy}
        placeholder="{{ expression }}"
      />
    );
  } else {
    control = (
      <Control
        kind={kind}
        id={id}
        schema={schema}
        value={value}
        path={path}
        onValue={onValue}
        required={required}
        invalid={invalid}
        describedBy={describedBy}
        label={text}
      />
    );
  }

  const labelEl =
    kind === 'boolean' && !exprMode ? null : (
      <label
        htmlFor={kind === 'record' || kind === 'array' ? undefined : id}
        id={`${id}-label`}
        className="text-sm font-medium text-slate-700"
      >
        {text}
        {required && <RequiredMark />}
      </label>
    );

  return (
    <div data-field={pathKey} className="min-w-0">
      <div className="mb-1 flex items-center gap-2">
        {labelEl}
        {canExpress && (
          <button
            type="button"
            className={cx(
              'ml-auto rounded px-1.5 font-mono text-[11px] focus-visible:outline-2 focus-visible:outline-indigo-500',
              exprMode
                ? 'bg-indigo-100 text-indigo-800'
                : 'text-slate-400 hover:bg-slate-100 hover:text-slate-700',
            )}
            aria-pressed={exprMode}
            aria-label={`${text}: use an expression`}
            title={exprMode ? 'Use a fixed value' : 'Use an expression'}
            onClick={() => {
              setExprMode(!exprMode);
              onValue(undefined);
            }}
          >
            {'{{ }}'}
          </button>
        )}
      </div>
      {control}
      <Messages id={errId} messages={messages} />
      {description && (
        <p id={descId} className="mt-1 text-xs text-slate-500">
          {description}
        </p>
      )}
    </div>
  );
}
