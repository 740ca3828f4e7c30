export { ExpressionIsolates, type ExpressionIsolatesOptions } from './expression-isolates';
