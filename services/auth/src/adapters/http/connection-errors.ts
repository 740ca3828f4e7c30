import type { NextFunction, Request, Response } from 'express';
import { sendError } from '@flowgenie/platform';
import { ConnectionError, ProviderRateLimitedError } from '../../domain/connections/errors';

/** The one place that knows which HTTP status each connections error code answers with. */
export const CONNECTION_ERROR_STATUS: Record<string, number> = {
  connection_not_found: 404,
  connection_revoked: 409,
  connection_expired: 409,
  connection_error: 409,
  connection_missing_scope: 409,
  connection_rate_limited: 429,
  provider_error: 502,
  provider_refused: 400,
  endpoint_not_allowed: 400,
  provider_not_configured: 409,
  invalid_state: 400,
  access_denied: 400,
  validation_failed: 400,
};

/**
 * Answers connections errors; anything else goes on to the platform's error middleware (request
 * validation, malformed JSON, token checks, unexpected errors).
 */
export function connectionErrorMiddleware() {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (!(err instanceof ConnectionError)) {
      next(err);
      return;
    }
    if (err instanceof ProviderRateLimitedError)
      res.setHeader('Retry-After', String(err.retryAfterSeconds));
    sendError(res, CONNECTION_ERROR_STATUS[err.code] ?? 400, {
      code: err.code,
      message: err.message,
      ...(err.details ? { details: err.details } : {}),
    });
  };
}
