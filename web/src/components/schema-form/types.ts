import type { JsonSchema } from '../../lib/api-types';
import type { FieldKind } from '../../lib/json-schema';

/** A validation message located on one field (dotted path relative to the form's value). */
export interface FieldIssue {
  field: string;
  message: string;
}

export interface FieldProps {
  name: string;
  schema: JsonSchema;
  value: unknown;
  path: string[];
  required?: boolean;
  /** Override the label (array items). */
  label?: string;
}

/** Props of the input that edits one value of a given kind. */
export interface ControlProps {
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

/** Props of the editors of many values (key/value maps, arrays). */
export type CollectionEditorProps = Pick<
  ControlProps,
  'id' | 'schema' | 'value' | 'path' | 'onValue' | 'label'
>;

/** aria-invalid / -describedby / -required, spread on the input. */
export type Aria = Record<string, unknown>;
