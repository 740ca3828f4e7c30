/** A text field that understands `{{ }}` expressions: autocomplete and a live preview, fed by an
 * ExpressionContext the host provides (the editor: upstream steps and the last run's data). */
export { ExpressionInput, type ExpressionInputProps } from './ExpressionInput';
export {
  EMPTY_EXPRESSION_CONTEXT,
  ExpressionContext,
  useExpressionContextValue,
  type ExpressionContextValue,
} from './context';
export {
  buildSuggestions,
  EXECUTION_SOURCE,
  pathSegment,
  type DataSource,
  type Suggestion,
} from './suggestions';
export {
  DATA_PATH_MIME,
  expressionFor,
  useInsertionTarget,
  type InsertionTarget,
} from './insertion';
