import type { JsonSchema } from '../../lib/api-types';
import { resolveSchema } from '../../lib/json-schema';
import { FormContext, type FormContextValue } from './context';
import { Control } from './Control';
import { Field, ObjectFields } from './Field';
import { setIn } from './paths';
import type { FieldIssue, FormWidgets } from './types';

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
  /** Inputs for connection (`x-connection`) and option-list (`x-options`) fields. */
  widgets?: FormWidgets;
}

const NO_WIDGETS: FormWidgets = {};

/**
 * A configuration form rendered from JSON Schema: text (with expressions), numbers, booleans,
 * enums, nested objects, key/value maps, arrays and free JSON; required marks, descriptions,
 * masked secrets, connection pickers and lists loaded through a connection (through `widgets`),
 * and validation messages under the fields they concern.
 */
export function SchemaForm({
  schema,
  value,
  onChange,
  issues = [],
  idPrefix,
  expressions = true,
  widgets = NO_WIDGETS,
}: SchemaFormProps) {
  const root = resolveSchema(schema, schema);
  const ctx: FormContextValue = {
    root: schema,
    expressions,
    issues,
    idPrefix,
    change: (path, v) => onChange(setIn(value, path, v) as Record<string, unknown>, path.join('.')),
    value,
    widgets,
    Field,
    Control,
  };
  const props = (root.properties ?? {}) as Record<string, JsonSchema>;
  const known = new Set(Object.keys(props));
  const loose = issues.filter((i) => i.field === '' || !known.has(i.field.split('.')[0]));
  return (
    <FormContext.Provider value={ctx}>
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
    </FormContext.Provider>
  );
}
