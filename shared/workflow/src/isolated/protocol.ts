import type { ExpressionData, ExpressionLimits, ResolveOptions } from '../expressions';

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
