import { DomainError, NotFoundError, UnauthorizedError } from '@flowgenie/platform/errors';

/** Unknown email and wrong password are one error, so the answer never tells which it was. */
export class InvalidCredentialsError extends DomainError {
  readonly code = 'invalid_credentials';
  readonly status = 401;
  constructor() {
    super('email or password is incorrect');
  }
}

export class EmailTakenError extends DomainError {
  readonly code = 'email_taken';
  readonly status = 409;
  constructor() {
    super('an account with this email already exists');
  }
}

/** Unknown, expired, revoked or reused refresh token: sign in again. */
export class InvalidRefreshTokenError extends DomainError {
  readonly code = 'invalid_refresh_token';
  readonly status = 401;
}

export class InvalidApiKeyError extends DomainError {
  readonly code = 'invalid_api_key';
  readonly status = 401;
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
