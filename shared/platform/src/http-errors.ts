import type { NextFunction, Request, Response } from 'express';
import type { ErrorResponse } from '@flowgenie/contracts';
import { DomainError } from './errors';
import type { Logger } from './logging';
import { isDependencyUnavailable, UNAVAILABLE_RETRY_AFTER_SECONDS } from './unavailable';

/** How one error code is answered: its status, and optionally another public code or headers. */
export interface ErrorAnswer<E extends DomainError = DomainError> {
  status: number;
  /** The code the response shows, when it is not the error's own (e.g. `hook_not_found` → `not_found`). */
  code?: string;
  /** Headers to set from the error (e.g. `Allow` from a method-not-allowed error). */
  headers?: (err: E) => Record<string, string>;
}

/**
 * A service's code → status table, kept in its HTTP adapter (`adapters/http/error-status.ts`), the
 * one place that knows how its domain errors answer over HTTP. A number is the status alone.
 */
export type ErrorStatusTable = Readonly<Record<string, number | ErrorAnswer>>;

/** `Retry-After` from an error that says when to retry (`retryAfterSeconds`), if it does. */
const retryAfter = (err: DomainError): Record<string, string> => {
  const seconds = (err as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  return typeof seconds === 'number' ? { 'Retry-After': String(seconds) } : {};
};

/** The statuses of the platform's own error codes (errors.ts); a service's table is laid over it. */
export const PLATFORM_ERROR_STATUS: ErrorStatusTable = {
  validation_failed: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  insufficient_scope: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  // Retry-After from the error's retryAfterSeconds, as for any error that has one.
  rate_limited: 429,
  service_unavailable: {
    status: 503,
    headers: () => ({ 'Retry-After': String(UNAVAILABLE_RETRY_AFTER_SECONDS) }),
  },
};

export function sendError(res: Response, status: number, error: ErrorResponse['error']): void {
  res.status(status).json({ error } satisfies ErrorResponse);
}

/**
 * The one error middleware (mounted by `finishHttpApp`): a {@link DomainError} answers with the
 * status its code has in `errors` (the service's table over {@link PLATFORM_ERROR_STATUS}) and
 * `{ error: { code, message, details } }`; malformed JSON, too large bodies and an unreachable
 * database or Redis get their 400/413/503; anything else is logged and answers 500.
 */
export function errorMiddleware(logger: Logger, errors: ErrorStatusTable = {}) {
  const table: ErrorStatusTable = { ...PLATFORM_ERROR_STATUS, ...errors };
  return (err: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    if (err instanceof DomainError) {
      const entry = table[err.code];
      if (entry === undefined) {
        logger.error({ err, code: err.code }, 'error code without an HTTP status');
        sendError(res, 500, { code: 'internal', message: 'unexpected error' });
        return;
      }
      const answer: ErrorAnswer = typeof entry === 'number' ? { status: entry } : entry;
      for (const [name, value] of Object.entries({ ...retryAfter(err), ...answer.headers?.(err) }))
        res.setHeader(name, value);
      sendError(res, answer.status, {
        code: answer.code ?? err.code,
        message: err.message,
        details: err.details,
      });
      return;
    }
    const e = err as { type?: string; status?: number; message?: string; limit?: number };
    if (e?.type === 'entity.parse.failed') {
      sendError(res, 400, {
        code: 'malformed_json',
        message: `malformed JSON body: ${e.message ?? ''}`.trim(),
      });
      return;
    }
    if (e?.type === 'entity.too.large') {
      sendError(res, 413, {
        code: 'payload_too_large',
        message: `request body is larger than ${e.limit} bytes`,
      });
      return;
    }
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      sendError(res, e.status, { code: 'bad_request', message: e.message ?? 'bad request' });
      return;
    }
    if (isDependencyUnavailable(err)) {
      // The database or Redis is unreachable: a client should try again shortly, not report a bug.
      logger.warn({ err: (err as Error).message }, 'dependency unavailable');
      res.setHeader('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
      sendError(res, 503, {
        code: 'service_unavailable',
        message: `a database or cache this service needs is unreachable; retry in ${UNAVAILABLE_RETRY_AFTER_SECONDS} s`,
      });
      return;
    }
    logger.error({ err }, 'unexpected error');
    sendError(res, 500, { code: 'internal', message: 'unexpected error' });
  };
}
