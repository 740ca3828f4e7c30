export { SchemaForm, type SchemaFormProps } from './SchemaForm';
export type { FieldIssue } from './types';
