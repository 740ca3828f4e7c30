import type { NextFunction, Request, Response } from 'express';
import { sendError } from '@flowgenie/platform';
import {
  HookRateLimitedError,
  InvalidRequestError,
  InvalidWorkflowError,
  MethodNotAllowedError,
  TriggerError,
} from '../../domain/errors';

/** The one table from the core's error codes to HTTP answers. */
const STATUS: Record<string, { status: number; code?: string }> = {
  hook_not_found: { status: 404, code: 'not_found' },
  workflow_not_found: { status: 404, code: 'not_found' },
  method_not_allowed: { status: 405 },
  invalid_signature: { status: 401 },
  invalid_request: { status: 400, code: 'validation_failed' },
  invalid_workflow: { status: 400, code: 'validation_failed' },
  not_runnable: { status: 409 },
  replayed: { status: 409 },
  rate_limited: { status: 429 },
  upstream_unavailable: { status: 503 },
  trigger_misconfigured: { status: 500 },
  slack_not_configured: { status: 503 },
};

/** Express error middleware for TriggerError; anything else goes on to the platform's. */
export function triggerErrorMiddleware() {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (!(err instanceof TriggerError)) {
      next(err);
      return;
    }
    const mapped = STATUS[err.code] ?? { status: 500 };
    if (err instanceof MethodNotAllowedError) res.setHeader('Allow', err.allowed.join(', '));
    if (err instanceof HookRateLimitedError)
      res.setHeader('Retry-After', String(err.retryAfterSeconds));
    sendError(res, mapped.status, {
      code: mapped.code ?? err.code,
      message: err.message,
      details:
        err instanceof InvalidRequestError
          ? [{ path: err.field, message: err.message }]
          : err instanceof InvalidWorkflowError && err.details.length > 0
            ? err.details
            : undefined,
    });
  };
}
