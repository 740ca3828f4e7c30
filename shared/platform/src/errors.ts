import type { ErrorDetail } from '@flowgenie/contracts';

/**
 * Base of every error thrown on purpose, in a service's core or in shared code. It carries a
 * stable `code`, optional located `details` and the `cause`, and no HTTP status: each service's
 * HTTP adapter holds the code → status table it gives the platform's error middleware
 * (`finishHttpApp(app, { logger, errors })`), and {@link PLATFORM_ERROR_STATUS} answers the codes
 * below.
 *
 * @example
 * export class WorkflowNotFoundError extends DomainError {
 *   readonly code = 'workflow_not_found';
 * }
 * // adapters/http/error-status.ts: export const CATALOG_ERROR_STATUS = { workflow_not_found: 404 };
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  readonly details?: ErrorDetail[];
  constructor(message: string, details?: ErrorDetail[], options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }
}

// The errors shared code throws (request validation, tokens, limits, outages); their statuses are
// in PLATFORM_ERROR_STATUS (http.ts). A service's own errors get codes and statuses of their own.

/** Input that is well-formed but not acceptable; `details` name each field. */
export class ValidationError extends DomainError {
  readonly code = 'validation_failed';
}
export class BadRequestError extends DomainError {
  readonly code = 'bad_request';
}
/** No credentials, or credentials that are not (or no longer) good. */
export class UnauthorizedError extends DomainError {
  readonly code = 'unauthorized';
}
export class ForbiddenError extends DomainError {
  readonly code = 'forbidden';
}
/** Also the answer for another user's resource: it does not exist for this caller. */
export class NotFoundError extends DomainError {
  readonly code = 'not_found';
}
export class ConflictError extends DomainError {
  readonly code = 'conflict';
}
export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload_too_large';
}
/** Too many attempts; the caller may try again after `retryAfterSeconds`. */
export class RateLimitedError extends DomainError {
  readonly code = 'rate_limited';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
/** A dependency (database, cache) cannot be reached; the caller may retry shortly. */
export class ServiceUnavailableError extends DomainError {
  readonly code = 'service_unavailable';
}
