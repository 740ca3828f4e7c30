import type { NextFunction, Request, Response } from 'express';
import { sendError } from '@flowgenie/platform';
import { CatalogError } from '../../domain/errors';

/** The one place that knows which HTTP status each catalog error code answers with. */
const STATUS_BY_CODE: Record<string, number> = {
  not_found: 404,
  version_not_found: 404,
  nothing_published: 409,
  validation_failed: 400,
  not_a_schedule: 400,
};

/**
 * Answers catalog errors; anything else goes on to the platform's error middleware
 * (request validation, malformed JSON, unexpected errors).
 */
export function catalogErrorMiddleware() {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (!(err instanceof CatalogError)) {
      next(err);
      return;
    }
    sendError(res, STATUS_BY_CODE[err.code] ?? 400, {
      code: err.code,
      message: err.message,
      ...(err.details ? { details: err.details } : {}),
    });
  };
}
