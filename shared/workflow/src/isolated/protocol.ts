import { ExpressionError } from '../errors';
import {
  evaluateExpression,
  resolveConfig,
  type ExpressionData,
  type ExpressionLimits,
  type ResolveOptions,
} from '../expressions';

/** One job for an expression isolate: a whole config to resolve, or one expression. */
export type IsolateRequest =
  | {
      id: number;
      kind: 'resolveConfig';
      config: unknown;
      data: ExpressionData;
      options: ResolveOptions;
      maxResultChars: number;
    }
  | {
      id: number;
      kind: 'evaluate';
      source: string;
      data: ExpressionData;
      options: ExpressionLimits & { path?: string };
      maxResultChars: number;
    };

/** An ExpressionError crossing the thread boundary (classes do not survive structured clone). */
export interface IsolateFailure {
  message: string;
  code: string;
  expression: string;
  path?: string;
  position?: number;
  reason?: string;
}

export type IsolateReply =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: IsolateFailure };

/**
 * Runs a request in this thread: what an isolate does with it, and what the pool does itself
 * for the bounded subset over a small input.
 * @throws ExpressionError, also for a result larger than `maxResultChars`
 */
export async function runRequest(request: IsolateRequest): Promise<unknown> {
  const value =
    request.kind === 'evaluate'
      ? await evaluateExpression(request.source, request.data, request.options)
      : await resolveConfig(request.config, request.data, request.options);
  if (request.kind === 'evaluate')
    checkResultSize(value, request.maxResultChars, request.source, request.options.path);
  else checkResultSize(value, request.maxResultChars, '');
  return value;
}

/**
 * Refuses a result whose JSON is longer than `maxChars` (`source` and `path` name the expression
 * in the error).
 * @throws ExpressionError (`code: 'result_too_large'`)
 */
function checkResultSize(value: unknown, maxChars: number, source: string, path?: string): void {
  const size = value === undefined ? 0 : (JSON.stringify(value)?.length ?? 0);
  if (size > maxChars) {
    throw new ExpressionError(
      `expression "${source}"${path ? ` in ${path}` : ''}: its result is ${size} characters, more than the ${maxChars} allowed`,
      {
        code: 'result_too_large',
        expression: source,
        path,
        reason: `its result is ${size} characters, more than the ${maxChars} allowed`,
      },
    );
  }
}
