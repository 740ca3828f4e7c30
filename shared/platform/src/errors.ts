import type { ErrorDetail } from '@flowgenie/contracts';

/** Base of every error a use case throws on purpose; the HTTP adapter maps `status`. */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  readonly details?: ErrorDetail[];
  constructor(message: string, details?: ErrorDetail[], options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }
}
export class ValidationError extends DomainError {
  readonly code = 'validation_failed';
  readonly status = 400;
}
export class BadRequestError extends DomainError {
  readonly code = 'bad_request';
  readonly status = 400;
}
export class UnauthorizedError extends DomainError {
  readonly code = 'unauthorized';
  readonly status = 401;
}
export class ForbiddenError extends DomainError {
  readonly code = 'forbidden';
  readonly status = 403;
}
/** Also the answer for another user's resource: it does not exist for this caller. */
export class NotFoundError extends DomainError {
  readonly code = 'not_found';
  readonly status = 404;
}
export class ConflictError extends DomainError {
  readonly code = 'conflict';
  readonly status = 409;
}
export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload_too_large';
  readonly status = 413;
}
export class RateLimitedError extends DomainError {
  readonly code = 'rate_limited';
  readonly status = 429;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
export class ServiceUnavailableError extends DomainError {
  readonly code = 'service_unavailable';
  readonly status = 503;
}
