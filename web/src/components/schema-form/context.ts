import { createContext, useContext, type ComponentType } from 'react';
import type { JsonSchema } from '../../lib/api-types';
import type { ControlProps, FieldIssue, FieldProps, FormWidgets } from './types';

export interface FormContextValue {
  /** The whole schema, for resolving `$ref`s. */
  root: JsonSchema;
  expressions: boolean;
  issues: readonly FieldIssue[];
  idPrefix: string;
  change: (path: string[], value: unknown) => void;
  /** The whole form's value (an options field reads its connection from a sibling field). */
  value: Record<string, unknown>;
  widgets: FormWidgets;
  /**
   * The field and control renderers. Collection editors nest them through the context, so the
   * files of this folder do not import each other in a circle (Field → Control → ArrayEditor → Field).
   */
  Field: ComponentType<FieldProps>;
  Control: ComponentType<ControlProps>;
}

export const FormContext = createContext<FormContextValue | null>(null);

export const useForm = () => useContext(FormContext) as FormContextValue;
