import { DomainError, NotFoundError, UnauthorizedError } from '@flowgenie/platform/errors';

/**
 * The auth service's errors. Status-free: codes, details and causes only; the HTTP adapter's
 * table (adapters/http/error-status.ts) says how each answers.
 */

/** Unknown email and wrong password are one error, so the answer never tells which it was. */
export class InvalidCredentialsError extends DomainError {
  readonly code = 'invalid_credentials';
  constructor() {
    super('email or password is incorrect');
  }
}

/**
 * The email is taken. The message does not say so outright; the answer (409) still tells, which cannot
 * be helped without email verification (see docs/ARCHITECTURE.md, Security), so sign-ups are rate limited.
 */
export class SignUpRefusedError extends DomainError {
  readonly code = 'signup_refused';
  constructor() {
    super(
      'could not create an account with these details; if you already have an account, sign in instead',
    );
  }
}

/** Unknown, expired, revoked or reused refresh token: sign in again. */
export class InvalidRefreshTokenError extends DomainError {
  readonly code = 'invalid_refresh_token';
}

export class InvalidApiKeyError extends DomainError {
  readonly code = 'invalid_api_key';
  constructor() {
    super('API key is invalid or revoked');
  }
}

export class ApiKeyNotFoundError extends NotFoundError {
  constructor() {
    super('API key not found');
  }
}

/** The access token names a user that no longer exists. */
export class UnknownUserError extends UnauthorizedError {
  constructor() {
    super('the signed-in user no longer exists');
  }
}
