import {
  OAUTH_CONNECTION_PROVIDERS,
  type ConnectionOptionSource,
  type ConnectionProvider,
} from '@flowgenie/contracts';

export type OAuthConnectionProvider = (typeof OAUTH_CONNECTION_PROVIDERS)[number];

export function isOAuthProvider(provider: ConnectionProvider): provider is OAuthConnectionProvider {
  return (OAUTH_CONNECTION_PROVIDERS as readonly string[]).includes(provider);
}

/** A pending consent dance is honoured this long. */
export const OAUTH_STATE_TTL_SECONDS = 600;

/** The provider whose connections can load each options source. */
export const OPTIONS_SOURCE_PROVIDER: Record<ConnectionOptionSource, ConnectionProvider> = {
  'slack.channels': 'slack',
  'google.calendars': 'google',
  'gmail.labels': 'google',
};

/**
 * The provider no longer honours the grant (`invalid_grant`, Slack `token_revoked` /
 * `invalid_auth`): the connection is revoked until the user reconnects.
 */
export class InvalidGrantError extends Error {
  readonly code = 'invalid_grant';
  constructor(readonly reason: string) {
    super(`the provider refused the grant: ${reason}`);
    this.name = 'InvalidGrantError';
  }
}
