import type { ComponentType } from 'react';
import type { ConnectionFieldAnnotation, OptionsFieldAnnotation } from '@flowgenie/contracts';
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

/** What a connection field's input gets (`x-connection`: a connection id of one of `providers`). */
export interface ConnectionWidgetProps {
  id: string;
  value: string | undefined;
  onValue: (v: string | undefined) => void;
  annotation: ConnectionFieldAnnotation;
  required?: boolean;
  invalid: boolean;
  describedBy?: string;
}

/** What an options field's input gets (`x-options`: a value from a list loaded through a connection). */
export interface OptionsWidgetProps {
  id: string;
  value: unknown;
  onValue: (v: unknown) => void;
  annotation: OptionsFieldAnnotation;
  /** The connection chosen in the sibling field `annotation.connectionField`, if any. */
  connectionId: string | undefined;
  required?: boolean;
  invalid: boolean;
  describedBy?: string;
}

/**
 * Inputs that need data the form cannot load itself (the user's connections, option lists), given
 * by the feature that renders the form. Without them such fields are plain text inputs.
 */
export interface FormWidgets {
  Connection?: ComponentType<ConnectionWidgetProps>;
  Options?: ComponentType<OptionsWidgetProps>;
}
