export { SchemaForm, type SchemaFormProps } from './SchemaForm';
export type { ConnectionWidgetProps, FieldIssue, FormWidgets, OptionsWidgetProps } from './types';
