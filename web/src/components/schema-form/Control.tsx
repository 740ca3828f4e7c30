import { cx } from '../../lib/cx';
import { connectionAnnotation, optionsAnnotation } from '../../lib/json-schema';
import { ExpressionInput } from '../expression-input';
import { inputClass } from '../TextField';
import { ArrayEditor } from './ArrayEditor';
import { BooleanInput } from './BooleanInput';
import { useForm } from './context';
import { getIn } from './paths';
import { EnumSelect } from './EnumSelect';
import { JsonInput } from './JsonInput';
import { NumberInput } from './NumberInput';
import { RecordEditor } from './RecordEditor';
import { SecretInput } from './SecretInput';
import { TimeZoneInput } from './TimeZoneInput';
import type { ControlProps } from './types';

/** The input for one value, chosen by its field kind (see `fieldKind` in lib/json-schema). */
export function Control({
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
  const { expressions, widgets, value: formValue } = useForm();
  const aria = {
    'aria-invalid': invalid || undefined,
    'aria-describedby': describedBy,
    'aria-required': required || undefined,
  };
  const cls = cx(inputClass, invalid && 'border-red-400');
  const dflt = schema.default;
  const connection = kind === 'connection' ? connectionAnnotation(schema) : null;
  if (connection && widgets.Connection) {
    return (
      <widgets.Connection
        id={id}
        value={typeof value === 'string' && value !== '' ? value : undefined}
        onValue={onValue}
        annotation={connection}
        required={required}
        invalid={invalid}
        describedBy={describedBy}
      />
    );
  }
  const options = kind === 'options' ? optionsAnnotation(schema) : null;
  if (options && widgets.Options) {
    const sibling = getIn(formValue, [...path.slice(0, -1), options.connectionField]);
    return (
      <widgets.Options
        id={id}
        value={value}
        onValue={onValue}
        annotation={options}
        connectionId={typeof sibling === 'string' && sibling !== '' ? sibling : undefined}
        required={required}
        invalid={invalid}
        describedBy={describedBy}
      />
    );
  }
  switch (kind) {
    case 'enum':
      return (
        <EnumSelect
          id={id}
          schema={schema}
          value={value}
          onValue={onValue}
          required={required}
          className={cls}
          aria={aria}
        />
      );
    case 'timezone':
      return (
        <TimeZoneInput
          id={id}
          value={typeof value === 'string' ? value : undefined}
          onValue={onValue}
          required={required}
          placeholder={dflt === undefined ? undefined : String(dflt)}
          className={cls}
          aria={aria}
        />
      );
    case 'boolean':
      return (
        <BooleanInput
          id={id}
          schema={schema}
          value={value}
          onValue={onValue}
          required={required}
          label={label}
          aria={aria}
        />
      );
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
          multiline
          json={schema['x-json'] === true}
          value={
            typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value)
          }
          onChange={(v) => onValue(v === '' ? undefined : v)}
          invalid={invalid}
          describedBy={describedBy}
          required={required}
          placeholder={
            typeof schema['x-placeholder'] === 'string' ? schema['x-placeholder'] : undefined
          }
        />
      );
    case 'connection':
    case 'options':
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
          json={schema['x-json'] === true}
          value={value}
          onValue={onValue}
          invalid={invalid}
          describedBy={describedBy}
        />
      );
  }
}
