import { DomainError, ValidationError } from '@flowgenie/platform/errors';

/**
 * Base of the errors the connections use cases throw on purpose. Each carries a stable `code`; the
 * HTTP adapter (adapters/http/connection-error-status.ts) owns the code → status table, so the domain
 * never speaks HTTP. Messages never contain a token or secret. Bad input is the platform's
 * `ValidationError` (`validation_failed`, 400).
 */
export abstract class ConnectionError extends DomainError {}

/** Unknown id, or another user's connection: both look the same to the caller. */
export class ConnectionNotFoundError extends ConnectionError {
  readonly code = 'connection_not_found';
  constructor() {
    super('connection not found');
  }
}

/** The grant was revoked (by the user at the provider, or a refresh answered invalid_grant). */
export class ConnectionRevokedError extends ConnectionError {
  readonly code = 'connection_revoked';
  constructor(reason: string | null) {
    super(`the connection was revoked${reason ? ` (${reason})` : ''}; reconnect it`);
  }
}

/** The access token expired and cannot be renewed without the user. */
export class ConnectionExpiredError extends ConnectionError {
  readonly code = 'connection_expired';
  constructor(reason: string | null) {
    super(`the connection expired${reason ? ` (${reason})` : ''}; reconnect it`);
  }
}

/** The provider answered something unexpected at the last use and the connection is marked so. */
export class ConnectionBrokenError extends ConnectionError {
  readonly code = 'connection_error';
  constructor(reason: string | null) {
    super(`the connection is not usable${reason ? ` (${reason})` : ''}; reconnect it`);
  }
}

export class ConnectionMissingScopeError extends ConnectionError {
  readonly code = 'connection_missing_scope';
  constructor(missing: string[]) {
    super(
      `the connection was not granted ${missing.join(', ')}; reconnect it and allow ${missing.length > 1 ? 'them' : 'it'}`,
    );
  }
}

/** The provider throttles this connection; try again after `retryAfterSeconds`. */
export class ProviderRateLimitedError extends ConnectionError {
  readonly code = 'connection_rate_limited';
  constructor(readonly retryAfterSeconds: number) {
    super(`the provider asked to wait ${retryAfterSeconds} s before the next token request`);
  }
}

/** The provider failed (5xx, network, unexpected answer); worth retrying later. */
export class ProviderUnavailableError extends ConnectionError {
  readonly code = 'provider_error';
}

/** The provider refused what the user typed (e.g. client credentials). */
export class ProviderRefusedError extends ConnectionError {
  readonly code = 'provider_refused';
}

/** Google or Slack OAuth was asked for but their app credentials are not configured. */
export class ProviderNotConfiguredError extends ConnectionError {
  readonly code = 'provider_not_configured';
  constructor(provider: string, variables: string[]) {
    super(
      `${provider} connections are not configured on this server: set ${variables.join(' and ')} (see docs/CONFIGURATION.md)`,
    );
  }
}

/** Unknown, used, expired or foreign OAuth state. */
export class InvalidOAuthStateError extends ConnectionError {
  readonly code = 'invalid_state';
  constructor(why: string) {
    super(`the connect request is invalid or expired (${why}); start connecting again`);
  }
}

/** The user refused consent, or the provider answered the consent with an error. */
export class OAuthDeniedError extends ConnectionError {
  readonly code = 'access_denied';
  constructor(error: string) {
    super(`the provider did not grant access (${error})`);
  }
}

/** The options source does not fit the connection's provider. */
export class UnsupportedOptionsSourceError extends ValidationError {
  constructor(source: string, provider: string) {
    super(`options source ${source} is not available for a ${provider} connection`, [
      { path: 'source', message: `not available for ${provider}` },
    ]);
  }
}

/** A user-supplied endpoint points at an address this server may not reach (SSRF guard). */
export class EndpointNotAllowedError extends ConnectionError {
  readonly code = 'endpoint_not_allowed';
}
