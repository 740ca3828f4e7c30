import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { Button } from '../../../../components/Button';
import { inputClass } from '../../../../components/TextField';
import type { JsonSchema } from '../../../../lib/api-types';
import { cx } from '../../../../lib/cx';
import {
  enumValues,
  fieldKind,
  labelOf,
  resolveSchema,
  type FieldKind,
} from '../../../../lib/json-schema';
import { hasTemplate } from '../../../../lib/expressions';
import type { FieldIssue } from '../../graph';
import { ExpressionInput } from '../ExpressionInput';
import { setIn } from './paths';

export interface SchemaFormProps {
  /** The node type's `configSchema` (JSON Schema of an object). */
  schema: JsonSchema;
  value: Record<string, unknown>;
  /** Called with the whole new config and the dotted path of the field that changed. */
  onChange: (next: Record<string, unknown>, fieldPath: string) => void;
  /** Validation messages located on fields (paths relative to the config). */
  issues?: readonly FieldIssue[];
  idPrefix: string;
  /** Allow `{{ }}` expressions (false for trigger settings, which are read before any data exists). */
  expressions?: boolean;
}

interface FormCtx {
  root: JsonSchema;
  expressions: boolean;
  issues: readonly FieldIssue[];
  idPrefix: string;
  change: (path: string[], value: unknown) => void;
}

const Ctx = createContext<FormCtx | null>(null);
const useForm = () => useContext(Ctx) as FormCtx;

/**
 * A configuration form rendered from JSON Schema: text (with expressions), numbers, booleans,
 * enums, nested objects, key/value maps, arrays and free JSON; required marks, descriptions,
 * masked secrets, and validation messages under the fields they concern.
 */
export function SchemaForm({
  schema,
  value,
  onChange,
  issues = [],
  idPrefix,
  expressions = true,
}: SchemaFormProps) {
  const root = resolveSchema(schema, schema);
  const ctx: FormCtx = {
    root: schema,
    expressions,
    issues,
    idPrefix,
    change: (path, v) => onChange(setIn(value, path, v) as Record<string, unknown>, path.join('.')),
  };
  const props = (root.properties ?? {}) as Record<string, JsonSchema>;
  const known = new Set(Object.keys(props));
  const loose = issues.filter((i) => i.field === '' || !known.has(i.field.split('.')[0]));
  return (
    <Ctx.Provider value={ctx}>
      <div className="space-y-4" data-testid="config-form">
        {loose.length > 0 && (
          <ul
            role="alert"
            className="space-y-1 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-xs text-red-800"
          >
            {loose.map((i, n) => (
              <li key={n}>{i.field ? `${i.field}: ${i.message}` : i.message}</li>
            ))}
          </ul>
        )}
        {Object.keys(props).length === 0 && (
          <p className="text-sm text-slate-500">This step has nothing to configure.</p>
        )}
        <ObjectFields schema={root} value={value} path={[]} />
      </div>
    </Ctx.Provider>
  );
}

function ObjectFields({
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

interface FieldProps {
  name: string;
  schema: JsonSchema;
  value: unknown;
  path: string[];
  required?: boolean;
  /** Override the label (array items). */
  label?: string;
}

function Field({ name, schema, value, path, required, label }: FieldProps) {
  const { issues, idPrefix, change, expressions } = useForm();
  const id = `${idPrefix}-${path.join('-')}`;
  const pathKey = path.join('.');
  const messages = issues.filter((i) => i.field === pathKey).map((i) => i.message);
  const childMessages = issues.some((i) => i.field.startsWith(`${pathKey}.`));
  const kind = fieldKind(schema);
  const canExpress =
    expressions &&
    (kind === 'number' || kind === 'integer' || kind === 'boolean' || kind === 'enum');
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

function RequiredMark() {
  return (
    <>
      <span aria-hidden="true" className="ml-0.5 text-red-600">
        *
      </span>
      <span className="sr-only"> (required)</span>
    </>
  );
}

function Messages({ id, messages }: { id?: string; messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <div id={id} role="alert" className="mt-1 space-y-0.5 text-xs text-red-700">
      {messages.map((m, i) => (
        <p key={i}>{m}</p>
      ))}
    </div>
  );
}

interface ControlProps {
  kind: FieldKind;
  id: string;
  schema: JsonSchema;
  value: unknown;
  path: string[];
  onValue: (v: unknown) => void;
  required?: boolean;
  invalid: boolean;
  describedBy?: string;
  label: string;
}

function Control({
  kind,
  id,
  schema,
  value,
  path,
  onValue,
  required,
  invalid,
  describedBy,
  label,
}: ControlProps) {
  const { expressions } = useForm();
  const aria = {
    'aria-invalid': invalid || undefined,
    'aria-describedby': describedBy,
    'aria-required': required || undefined,
  };
  const cls = cx(inputClass, invalid && 'border-red-400');
  const dflt = schema.default;
  switch (kind) {
    case 'enum': {
      const values = enumValues(schema) ?? [];
      const current = value === undefined ? dflt : value;
      const index = values.findIndex((v) => v === current);
      return (
        <select
          id={id}
          className={cls}
          value={index < 0 ? '' : String(index)}
          onChange={(e) =>
            onValue(e.target.value === '' ? undefined : values[Number(e.target.value)])
          }
          {...aria}
        >
          {(index < 0 || (!required && dflt === undefined)) && (
            <option value="">{required ? 'Choose…' : '(not set)'}</option>
          )}
          {values.map((v, i) => (
            <option key={i} value={String(i)}>
              {String(v)}
              {v === dflt ? ' (default)' : ''}
            </option>
          ))}
        </select>
      );
    }
    case 'boolean': {
      const checked = (value === undefined ? dflt : value) === true;
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
    case 'number':
    case 'integer':
      return (
        <NumberInput
          id={id}
          value={value}
          integer={kind === 'integer'}
          schema={schema}
          onValue={onValue}
          className={cls}
          aria={aria}
        />
      );
    case 'secret':
      return (
        <SecretInput
          id={id}
          value={typeof value === 'string' ? value : ''}
          onValue={onValue}
          className={cls}
          aria={aria}
          placeholder={dflt === undefined ? undefined : String(dflt)}
          required={required}
        />
      );
    case 'expression':
      return (
        <ExpressionInput
          id={id}
          raw
          value={typeof value === 'string' ? value : ''}
          onChange={(v) => onValue(v)}
          invalid={invalid}
          describedBy={describedBy}
          required={required}
        />
      );
    case 'string': {
      const long =
        schema.format !== 'uri' &&
        (schema['x-multiline'] === true ||
          (typeof schema.maxLength === 'number' && schema.maxLength > 2000));
      return (
        <ExpressionInput
          id={id}
          value={typeof value === 'string' ? value : value === undefined ? '' : String(value)}
          onChange={(v) => onValue(v === '' && !required ? undefined : v)}
          multiline={long}
          plain={!expressions}
          invalid={invalid}
          describedBy={describedBy}
          required={required}
          placeholder={
            dflt !== undefined
              ? String(dflt)
              : schema.format === 'date-time'
                ? '2030-01-01T09:00:00Z or {{ }}'
                : undefined
          }
        />
      );
    }
    case 'record':
    case 'array': {
      const Editor = kind === 'record' ? RecordEditor : ArrayEditor;
      return (
        <Editor id={id} schema={schema} value={value} path={path} onValue={onValue} label={label} />
      );
    }
    default:
      return (
        <JsonInput
          id={id}
          value={value}
          onValue={onValue}
          invalid={invalid}
          describedBy={describedBy}
        />
      );
  }
}

type Aria = Record<string, unknown>;

function NumberInput({
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

function SecretInput({
  id,
  value,
  onValue,
  className,
  aria,
  placeholder,
  required,
}: {
  id: string;
  value: string;
  onValue: (v: unknown) => void;
  className: string;
  aria: Aria;
  placeholder?: string;
  required?: boolean;
}) {
  const [shown, setShown] = useState(false);
  return (
    <div className="flex gap-1">
      <input
        id={id}
        type={shown ? 'text' : 'password'}
        autoComplete="new-password"
        spellCheck={false}
        className={cx(className, 'font-mono')}
        value={value}
        placeholder={placeholder ?? (value ? undefined : 'Not set')}
        data-secret="true"
        onChange={(e) => onValue(e.target.value === '' && !required ? undefined : e.target.value)}
        {...aria}
      />
      <Button
        size="sm"
        variant="ghost"
        className="h-auto shrink-0"
        onClick={() => setShown(!shown)}
        aria-pressed={shown}
        aria-label={shown ? 'Hide secret' : 'Show secret'}
      >
        {shown ? 'Hide' : 'Show'}
      </Button>
    </div>
  );
}

/** Free JSON (schema `{}`): JSON is parsed; anything else is kept as text (so `{{ }}` works). */
function JsonInput({
  id,
  value,
  onValue,
  invalid,
  describedBy,
}: {
  id: string;
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
          <>JSON value, or text. {'{{ }}'} expressions work inside strings.</>
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

/** Props of the editors of many values (key/value maps, arrays). */
type CollectionEditorProps = Pick<
  ControlProps,
  'id' | 'schema' | 'value' | 'path' | 'onValue' | 'label'
>;

/** A small ghost button that only shows a symbol; `label` names it for screen readers. */
function IconButton({
  label,
  disabled,
  onClick,
  children,
}: {
  label: string;
  disabled?: boolean;
  onClick: () => void;
  children: ReactNode;
}) {
  return (
    <Button size="sm" variant="ghost" aria-label={label} disabled={disabled} onClick={onClick}>
      {children}
    </Button>
  );
}

interface Row {
  key: string;
  value: unknown;
}

function RecordEditor({ id, schema, value, path, onValue, label }: CollectionEditorProps) {
  const { root, expressions } = useForm();
  const valueSchema = resolveSchema((schema.additionalProperties as JsonSchema) ?? {}, root);
  const obj = (value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as Record<
    string,
    unknown
  >;
  const [rows, setRows] = useState<Row[]>(() =>
    Object.entries(obj).map(([key, v]) => ({ key, value: v })),
  );
  const rowsObject = (rs: Row[]) =>
    Object.fromEntries(rs.filter((r) => r.key !== '').map((r) => [r.key, r.value]));
  useEffect(() => {
    if (JSON.stringify(rowsObject(rows)) !== JSON.stringify(obj))
      setRows(Object.entries(obj).map(([key, v]) => ({ key, value: v })));
  }, [value]);
  const commit = (rs: Row[]) => {
    setRows(rs);
    const next = rowsObject(rs);
    onValue(Object.keys(next).length === 0 && value === undefined ? undefined : next);
  };
  const update = (i: number, change: Partial<Row>) =>
    commit(rows.map((r, j) => (j === i ? { ...r, ...change } : r)));
  const simple = fieldKind(valueSchema) === 'string' || fieldKind(valueSchema) === 'any';
  return (
    <div role="group" aria-labelledby={`${id}-label`} className="space-y-2" id={id}>
      {rows.map((row, i) => (
        <div key={i} className="flex items-start gap-1">
          <input
            aria-label={`${label} name ${i + 1}`}
            className={cx(inputClass, 'w-2/5 font-mono text-xs')}
            value={row.key}
            placeholder="name"
            onChange={(e) => update(i, { key: e.target.value })}
          />
          <div className="min-w-0 flex-1">
            {simple ? (
              <ExpressionInput
                value={
                  typeof row.value === 'string'
                    ? row.value
                    : row.value === undefined
                      ? ''
                      : JSON.stringify(row.value)
                }
                placeholder="value"
                plain={!expressions}
                onChange={(v) => update(i, { value: v })}
              />
            ) : (
              <Control
                kind={fieldKind(valueSchema)}
                id={`${id}-v${i}`}
                schema={valueSchema}
                value={row.value}
                path={[...path, row.key]}
                onValue={(v) => update(i, { value: v })}
                invalid={false}
                label={`${label} value ${i + 1}`}
              />
            )}
          </div>
          <IconButton
            label={`Remove ${row.key || `entry ${i + 1}`}`}
            onClick={() => commit(rows.filter((_, j) => j !== i))}
          >
            ×
          </IconButton>
        </div>
      ))}
      <Button
        size="sm"
        onClick={() => setRows([...rows, { key: '', value: simple ? '' : undefined }])}
      >
        + Add {label.toLowerCase().replace(/s$/, '')}
      </Button>
    </div>
  );
}

function defaultFor(s: JsonSchema): unknown {
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

function ArrayEditor({ id, schema, value, path, onValue, label }: CollectionEditorProps) {
  const { root } = useForm();
  const itemSchema = resolveSchema((schema.items as JsonSchema) ?? {}, root);
  const items = Array.isArray(value) ? value : [];
  const move = (from: number, to: number) => {
    const next = [...items];
    const [it] = next.splice(from, 1);
    next.splice(to, 0, it);
    onValue(next);
  };
  return (
    <div role="group" aria-labelledby={`${id}-label`} className="space-y-2" id={id}>
      {items.length === 0 && <p className="text-xs text-slate-400">No items.</p>}
      {items.map((item, i) => (
        <div key={i} className="flex items-start gap-1 rounded-md border border-slate-200 p-2">
          <div className="min-w-0 flex-1">
            <Field
              name={String(i)}
              label={`${label} ${i + 1}`}
              schema={itemSchema}
              value={item}
              path={[...path, String(i)]}
            />
          </div>
          <div className="flex flex-col">
            <IconButton
              label={`Move item ${i + 1} up`}
              disabled={i === 0}
              onClick={() => move(i, i - 1)}
            >
              ↑
            </IconButton>
            <IconButton
              label={`Move item ${i + 1} down`}
              disabled={i === items.length - 1}
              onClick={() => move(i, i + 1)}
            >
              ↓
            </IconButton>
            <IconButton
              label={`Remove item ${i + 1}`}
              onClick={() => onValue(items.filter((_, j) => j !== i))}
            >
              ×
            </IconButton>
          </div>
        </div>
      ))}
      <Button size="sm" onClick={() => onValue([...items, defaultFor(itemSchema)])}>
        + Add item
      </Button>
    </div>
  );
}
